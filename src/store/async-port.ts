import { AsyncLocalStorage } from "node:async_hooks";
import type { Database } from "bun:sqlite";

/**
 * The synchronous form of an asynchronous port: what a bun:sqlite adapter implements (its calls never wait), turned
 * into the port by asyncPort(). Generic methods do not survive a mapped type: ports keep transaction() apart.
 */
export type Sync<T> = {
  [K in keyof T]: T[K] extends (...a: infer A) => Promise<infer R>
    ? (...a: A) => R
    : T[K] extends (...a: infer A) => AsyncIterable<infer R>
      ? (...a: A) => Iterable<R>
      : T[K];
};

/**
 * One SQLite connection's transactions, for asynchronous bodies. bun:sqlite's transaction() commits at the body's first
 * `await`, so this issues BEGIN/COMMIT itself and lets one transaction run at a time: a second waits for the first to
 * end, and so does any call made from outside the open transaction (asyncPort's gate), which would otherwise become
 * part of it. Calls made inside it (the same async context) run at once; a nested transaction is a savepoint.
 */
export class SqliteTransactor {
  private readonly context = new AsyncLocalStorage<number>();
  private open = 0;
  private nextToken = 1;
  private savepoints = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly db: Database) {}

  /** Undefined when the caller may use the connection now; else a promise that settles when it may. */
  gate(): Promise<void> | undefined {
    if (this.open === 0 || this.context.getStore() === this.open) return undefined;
    return this.idle().then(() => this.gate());
  }

  async transaction<T>(fn: () => Promise<T>, mode: "deferred" | "immediate" = "deferred"): Promise<T> {
    if (this.open !== 0 && this.context.getStore() === this.open) return this.savepoint(fn);
    while (this.open !== 0) await this.idle();
    const token = this.nextToken++;
    this.open = token;
    try {
      this.db.run(mode === "immediate" ? "BEGIN IMMEDIATE" : "BEGIN");
      try {
        const result = await this.context.run(token, fn);
        this.db.run("COMMIT");
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.run("ROLLBACK");
        throw e;
      }
    } finally {
      this.open = 0;
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  private async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = `cairn_sp${++this.savepoints}`;
    this.db.run(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      this.db.run(`RELEASE ${name}`);
      return result;
    } catch (e) {
      this.db.run(`ROLLBACK TO ${name}`);
      this.db.run(`RELEASE ${name}`);
      throw e;
    }
  }

  private idle(): Promise<void> {
    return new Promise((wake) => this.waiters.push(wake));
  }
}

/**
 * The asynchronous port over a synchronous adapter: every method (own or inherited) returns a promise, waits while
 * another context's transaction is open, and turns a throw into a rejection. The adapter itself is untouched.
 * `streams` names the methods that return an Iterable the port gives as an AsyncIterable (read lazily, ungated:
 * each step is one synchronous read).
 */
export function asyncPort<T extends object>(impl: Sync<T>, tx: SqliteTransactor, streams: readonly (keyof T & string)[] = []): T {
  const port: Record<string, unknown> = {};
  for (let proto = impl as object; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const method = (impl as Record<string, unknown>)[key];
      if (key === "constructor" || key in port || typeof method !== "function") continue;
      const call = (args: unknown[]) => (method as (...a: unknown[]) => unknown).apply(impl, args);
      if ((streams as readonly string[]).includes(key)) {
        port[key] = (...args: unknown[]) => toAsync(call(args) as Iterable<unknown>);
        continue;
      }
      port[key] = (...args: unknown[]) => {
        const wait = tx.gate();
        if (wait) return wait.then(() => call(args));
        try {
          return Promise.resolve(call(args));
        } catch (e) {
          return Promise.reject(e);
        }
      };
    }
  }
  return port as T;
}

async function* toAsync<T>(items: Iterable<T>): AsyncIterable<T> {
  yield* items;
}
