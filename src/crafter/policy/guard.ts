/**
 * A hard time budget for one CEL evaluation. cel-js runs an expression to completion synchronously, and even with
 * the compile-time caps (AST size, macro nesting) a nested comprehension over a large list is polynomial: the
 * input is therefore handed to the expression through lazy read-only proxies that check the deadline as the
 * expression walks the data, and throw once it has passed. Nothing is copied up front.
 */

export class BudgetExceeded extends Error {
  override name = "BudgetExceeded";
}

/** Deadline checks cost a clock read: one every CHECK_EVERY property or element reads. */
const CHECK_EVERY = 256;

export function guardInput<T>(value: T, clock: () => number, deadline: number, budgetMs: number): T {
  const cache = new WeakMap<object, unknown>();
  let reads = 0;
  const check = () => {
    if (++reads % CHECK_EVERY === 0 && clock() > deadline) throw new BudgetExceeded(`the policy's ${budgetMs} ms time budget ran out`);
  };
  const wrap = (v: unknown): unknown => {
    if (v === null || typeof v !== "object" || !(Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype)) return v;
    const hit = cache.get(v);
    if (hit) return hit;
    const proxy = new Proxy(v, {
      get(target, key, receiver) {
        check();
        return wrap(Reflect.get(target, key, receiver));
      },
      set: () => false,
      deleteProperty: () => false,
    });
    cache.set(v, proxy);
    return proxy;
  };
  return wrap(value) as T;
}
