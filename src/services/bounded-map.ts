/**
 * A Map that keeps at most `max` entries, dropping the oldest insertion when a new key would go past it: the
 * process-wide memos of a long-running server (parsed keys, contracts and policies, verdicts, referrer lists).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.max) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }

  /** The entry for `key`, made (and kept) by `make` when there is none. */
  getOrMake(key: K, make: () => V): V {
    if (this.has(key)) return this.get(key)!;
    const value = make();
    this.set(key, value);
    return value;
  }
}
