/**
 * A compact range [0, size): the roots of the perfect subtrees the size's binary digits describe, largest
 * first. Lets a monitor rebuild a tree's root from its leaves with O(log n) memory and no tiles.
 */
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from "./hash.ts";

export interface CompactRangeJSON {
  size: number;
  hashes: string[]; // base64, largest subtree first
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) c += x % 2;
  return c;
}

export class CompactRange {
  private n = 0;
  private readonly hashes: Uint8Array[] = [];

  get size(): number {
    return this.n;
  }

  /** Appends the next leaf hash (SHA-256(0x00‖entry)). */
  append(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes (got ${leafHash.length})`);
    if (!Number.isSafeInteger(this.n + 1)) throw new RangeError("compact range size would exceed 2^53");
    let h: Uint8Array = leafHash.slice();
    // merge with the subtrees of equal size: one per trailing 1 bit of the old size
    for (let s = this.n; s % 2 === 1; s = Math.floor(s / 2)) h = nodeHash(this.hashes.pop()!, h);
    this.hashes.push(h);
    this.n++;
  }

  /** MTH of the leaves appended so far (EMPTY_ROOT when none). */
  root(): Uint8Array {
    if (this.hashes.length === 0) return EMPTY_ROOT.slice();
    let r = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) r = nodeHash(this.hashes[i]!, r);
    return r.slice();
  }

  toJSON(): CompactRangeJSON {
    return { size: this.n, hashes: this.hashes.map((h) => Buffer.from(h).toString("base64")) };
  }

  /** Restores a range saved by toJSON; throws an Error saying what is wrong with it. */
  static fromJSON(j: CompactRangeJSON): CompactRange {
    if (typeof j !== "object" || j === null) throw new Error("compact range: expected an object {size, hashes}");
    if (!Number.isSafeInteger(j.size) || j.size < 0) throw new Error(`compact range: size must be a non-negative integer (got ${String(j.size)})`);
    if (!Array.isArray(j.hashes)) throw new Error("compact range: hashes must be an array of base64 strings");
    const want = popcount(j.size);
    if (j.hashes.length !== want) throw new Error(`compact range: size ${j.size} needs ${want} hashes, got ${j.hashes.length}`);
    const r = new CompactRange();
    j.hashes.forEach((s, i) => {
      const b = typeof s === "string" && /^[A-Za-z0-9+/]{43}=$/.test(s) ? Buffer.from(s, "base64") : undefined;
      if (!b || b.length !== HASH_SIZE) throw new Error(`compact range: hashes[${i}] is not a base64 32-byte hash`);
      r.hashes.push(new Uint8Array(b));
    });
    r.n = j.size;
    return r;
  }
}
