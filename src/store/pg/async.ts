/**
 * The asynchronous form of a port as it is today (every method returns a promise of what it returns now): what the
 * PostgreSQL adapters declare until the ports themselves are asynchronous (issue 16), when they implement those.
 */
export type Async<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : T[K] };
