// Trees far beyond 2^32 leaves, where 32-bit shifts would break: every leaf is the same hash, so every
// subtree hash depends only on its length and both the tiles and the naive recursions are O(log n).
import { describe, expect, test } from "bun:test";
import { largestPowerOfTwoBelow, leafHash, nodeHash } from "./hash.ts";
import { consistencyProof, inclusionProof, treeRoot, verifyConsistency, verifyInclusion } from "./merkle.ts";
import { hex } from "./naive.testutil.ts";
import { TILE_HEIGHT, tileWidthAt, type TileReader } from "./tiles.ts";

const LEAF = leafHash(new TextEncoder().encode("same"));
const byLen = new Map<number, Uint8Array>();
function mthLen(n: number): Uint8Array {
  if (n === 1) return LEAF;
  const hit = byLen.get(n);
  if (hit) return hit;
  const k = largestPowerOfTwoBelow(n);
  const h = nodeHash(mthLen(k), mthLen(n - k));
  byLen.set(n, h);
  return h;
}
function pathLen(m: number, n: number): Uint8Array[] {
  if (n <= 1) return [];
  const k = largestPowerOfTwoBelow(n);
  return m < k ? [...pathLen(m, k), mthLen(n - k)] : [...pathLen(m - k, n - k), mthLen(k)];
}
function subLen(m: number, n: number, b: boolean): Uint8Array[] {
  if (m === n) return b ? [] : [mthLen(n)];
  const k = largestPowerOfTwoBelow(n);
  return m <= k ? [...subLen(m, k, b), mthLen(n - k)] : [...subLen(m - k, n - k, false), mthLen(k)];
}
function uniformTiles(size: number): TileReader {
  return (level, index) => {
    const w = tileWidthAt(level, index, size);
    if (w === 0) return undefined;
    const h = mthLen(2 ** (TILE_HEIGHT * level));
    const data = new Uint8Array(w * 32);
    for (let i = 0; i < w; i++) data.set(h, i * 32);
    return data;
  };
}

describe("sizes beyond 2^32", () => {
  const sizes = [2 ** 32, 2 ** 32 + 1, 2 ** 40 + 2 ** 33 + 12345, 2 ** 53 - 1];
  test("roots, inclusion and consistency proofs match the recursions", () => {
    for (const n of sizes) {
      const read = uniformTiles(n);
      const root = treeRoot(n, read);
      expect(hex(root)).toBe(hex(mthLen(n)));
      for (const m of [0, 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, n - 2, n - 1, Math.floor(n / 3)].filter((m) => m >= 0 && m < n)) {
        const p = inclusionProof(m, n, read);
        expect(p.map(hex)).toEqual(pathLen(m, n).map(hex));
        expect(verifyInclusion(m, n, LEAF, p, root)).toBe(true);
        expect(verifyInclusion(m, n, mthLen(2), p, root)).toBe(false);
        if (p.length > 0) expect(verifyInclusion(m, n, LEAF, p.slice(1), root)).toBe(false);
      }
      for (const m of [1, 3, 2 ** 31 + 7, 2 ** 32, n - 1, n].filter((m) => m <= n)) {
        const p = consistencyProof(m, n, read);
        expect(p.map(hex)).toEqual((m === n ? [] : subLen(m, n, true)).map(hex));
        expect(verifyConsistency(m, n, p, mthLen(m), root)).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, p, mthLen(m), mthLen(n - 1))).toBe(false);
      }
    }
  });
});
