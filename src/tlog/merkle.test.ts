import { describe, expect, test } from "bun:test";
import { EMPTY_ROOT, leafHash } from "./hash.ts";
import { consistencyProof, inclusionProof, treeRoot, verifyConsistency, verifyInclusion } from "./merkle.ts";
import { MemTiles, hex, makeLeaves, mth, path, proof } from "./naive.testutil.ts";

const hexes = (hs: Uint8Array[]) => hs.map(hex);
const flip = (h: Uint8Array) => {
  const c = h.slice();
  c[0] = c[0]! ^ 1;
  return c;
};

const N = 300;
const leaves = makeLeaves(N);
// tiles of every size 1..N, built incrementally (each size's tiles are a snapshot of the store)
const snapshots: MemTiles[] = [];
{
  const t = new MemTiles();
  for (let n = 1; n <= N; n++) {
    t.append([leaves[n - 1]!]);
    const snap = new MemTiles();
    for (const [k, v] of t.tiles) snap.tiles.set(k, v);
    snap.size = n;
    snapshots[n] = snap;
  }
}
const full = snapshots[N]!;
const roots = Array.from({ length: N + 1 }, (_, n) => mth(leaves, n));

describe("merkle from tiles vs naive RFC 6962, every size 1..300", () => {
  test("treeRoot", () => {
    expect(hex(treeRoot(0, full.reader))).toBe(hex(EMPTY_ROOT));
    for (let n = 1; n <= N; n++) {
      expect(hex(treeRoot(n, snapshots[n]!.reader))).toBe(hex(roots[n]!));
      expect(hex(treeRoot(n, full.reader))).toBe(hex(roots[n]!)); // longer tiles are read only as far as needed
    }
  });

  test("inclusionProof and verifyInclusion, every index", () => {
    for (let n = 1; n <= N; n++) {
      const d = leaves;
      for (let m = 0; m < n; m++) {
        const p = inclusionProof(m, n, snapshots[n]!.reader);
        expect(hexes(p)).toEqual(hexes(path(m, d, n)));
        expect(verifyInclusion(m, n, d[m]!, p, roots[n]!)).toBe(true);
        expect(verifyInclusion(m, n, flip(d[m]!), p, roots[n]!)).toBe(false);
        if (p.length > 0) {
          expect(verifyInclusion(m, n, d[m]!, [...p.slice(0, -1), flip(p[p.length - 1]!)], roots[n]!)).toBe(false);
          expect(verifyInclusion(m, n, d[m]!, p.slice(0, -1), roots[n]!)).toBe(false);
        }
        expect(verifyInclusion(m, n, d[m]!, [...p, d[0]!], roots[n]!)).toBe(false);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, d[m]!, p, roots[n]!)).toBe(false);
      }
    }
  }, 60_000);

  test("consistencyProof and verifyConsistency, every pair", () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const p = consistencyProof(m, n, snapshots[n]!.reader);
        expect(hexes(p)).toEqual(hexes(proof(m, leaves, n)));
        expect(verifyConsistency(m, n, p, roots[m]!, roots[n]!)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, p, flip(roots[m]!), roots[n]!)).toBe(false);
          expect(verifyConsistency(m, n, p, roots[m]!, flip(roots[n]!))).toBe(false);
          expect(verifyConsistency(m, n, [...p.slice(1)], roots[m]!, roots[n]!)).toBe(false);
          expect(verifyConsistency(m, n, [...p, roots[0]!], roots[m]!, roots[n]!)).toBe(false);
        } else {
          expect(p).toEqual([]);
        }
      }
    }
  }, 60_000);

  test("argument checks", () => {
    expect(() => inclusionProof(5, 5, full.reader)).toThrow("not in a tree of 5");
    expect(() => inclusionProof(-1, 5, full.reader)).toThrow("leaf index");
    expect(() => consistencyProof(6, 5, full.reader)).toThrow("larger");
    expect(() => consistencyProof(0, 5, full.reader)).toThrow("empty tree");
    expect(consistencyProof(0, 0, full.reader)).toEqual([]);
    expect(() => treeRoot(1.5, full.reader)).toThrow("tree size");
    expect(verifyInclusion(0, 0, leaves[0]!, [], roots[1]!)).toBe(false);
    expect(verifyInclusion(0, 1, leaves[0]!, [], roots[1]!)).toBe(true);
    expect(verifyInclusion(0, 2, leaves[0]!, [new Uint8Array(31)], roots[2]!)).toBe(false);
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, roots[5]!)).toBe(false);
    expect(verifyConsistency(5, 5, [], roots[5]!, roots[5]!)).toBe(true);
    expect(verifyConsistency(5, 5, [roots[5]!], roots[5]!, roots[5]!)).toBe(false);
    expect(verifyConsistency(6, 5, [], roots[5]!, roots[5]!)).toBe(false);
    expect(verifyConsistency(3, 5, [], roots[3]!, roots[5]!)).toBe(false);
  });

  test("a missing or short tile throws an Error naming it", () => {
    const tiles = new Map(full.tiles);
    tiles.delete("1/0");
    expect(() => treeRoot(300, (l, i) => tiles.get(`${l}/${i}`))).toThrow("tile/1/000 (level 1, index 0) is missing");
    expect(() => inclusionProof(3, 300, (l, i) => (l === 0 && i === 1 ? full.tiles.get("0/1")!.subarray(0, 64) : full.reader(l, i)))).toThrow(
      "tile/0/001 (level 0, index 1) is too short",
    );
  });
});

describe("spot checks at larger sizes (two and three tile levels)", () => {
  const big = makeLeaves(70001, 3);
  const store = new MemTiles();
  const sizes = [65535, 65536, 65537, 65536 + 255, 65536 + 256, 69999, 70000, 70001];
  const snaps = new Map<number, Map<string, Uint8Array>>();
  for (const s of sizes) {
    store.append(big.slice(store.size, s));
    snaps.set(s, new Map(store.tiles));
  }
  const reader = (s: number) => (l: number, i: number) => snaps.get(s)!.get(`${l}/${i}`);
  const bigRoots = new Map(sizes.map((s) => [s, mth(big, s)]));

  test("roots and inclusion proofs", () => {
    for (const s of sizes) {
      expect(hex(treeRoot(s, reader(s)))).toBe(hex(bigRoots.get(s)!));
      for (const m of [0, 1, 255, 256, 257, 65535, 65536, s - 1, Math.floor(s / 3)].filter((m) => m < s)) {
        const p = inclusionProof(m, s, reader(s));
        expect(hexes(p)).toEqual(hexes(path(m, big, s)));
        expect(verifyInclusion(m, s, big[m]!, p, bigRoots.get(s)!)).toBe(true);
      }
    }
  });

  test("consistency proofs", () => {
    for (const n of sizes) {
      for (const m of [1, 2, 255, 256, 4096, 65535, 65536, 65537, 69999, 70000].filter((m) => m <= n)) {
        const p = consistencyProof(m, n, reader(n));
        expect(hexes(p)).toEqual(hexes(proof(m, big, n)));
        expect(verifyConsistency(m, n, p, mth(big, m), bigRoots.get(n)!)).toBe(true);
      }
    }
  });

  test("leafHash of an entry is what the tree commits to", () => {
    const entry = new TextEncoder().encode("entry 3:42");
    expect(hex(leafHash(entry))).toBe(hex(big[42]!));
  });
});
