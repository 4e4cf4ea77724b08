// A minimal Reflect metadata store for tests that build certificates with @peculiar/x509: its DI container (tsyringe)
// insists on the reflect-metadata polyfill, which cairn does not depend on. Only what tsyringe calls is provided.
export function installReflectShim(): void {
  const R = Reflect as unknown as Record<string, unknown>;
  if (typeof R["getMetadata"] === "function") return;
  const store = new WeakMap<object, Map<unknown, unknown>>();
  const own = (t: object) => {
    let m = store.get(t);
    if (!m) store.set(t, (m = new Map()));
    return m;
  };
  const lookup = (k: unknown, t: object): unknown => {
    for (let o: object | null = t; o; o = Object.getPrototypeOf(o) as object | null) {
      const v = store.get(o)?.get(k);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  R["defineMetadata"] = (k: unknown, v: unknown, t: object) => void own(t).set(k, v);
  R["getOwnMetadata"] = (k: unknown, t: object) => store.get(t)?.get(k);
  R["getMetadata"] = lookup;
  R["hasMetadata"] = (k: unknown, t: object) => lookup(k, t) !== undefined;
  R["metadata"] = (k: unknown, v: unknown) => (t: object) => void own(t).set(k, v);
}
