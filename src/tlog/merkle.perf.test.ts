// Performance over a 1,000,000-leaf tree in memory. Loose bounds; the measured numbers are printed.
import { describe, expect, test } from "bun:test";
import { leafHash } from "./hash.ts";
import { consistencyProof, inclusionProof, treeRoot, verifyConsistency, verifyInclusion } from "./merkle.ts";
import { MemTiles } from "./naive.testutil.ts";
import { appendLeaves } from "./tiles.ts";

const SIZE = 1_000_000;
const BATCH = 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe("performance at 1,000,000 leaves", () => {
  const store = new MemTiles();
  let buildMs = 0;

  test("building the tiles in batches of 1,000 takes < 10 s", () => {
    const entry = new Uint8Array(8);
    const view = new DataView(entry.buffer);
    const t0 = performance.now();
    for (let b = 0; b < SIZE / BATCH; b++) {
      const batch: Uint8Array[] = [];
      for (let i = 0; i < BATCH; i++) {
        view.setFloat64(0, b * BATCH + i);
        batch.push(leafHash(entry));
      }
      store.append(batch);
    }
    buildMs = performance.now() - t0;
    console.log(`build 1,000,000 leaves (batches of 1,000, leaf hashing included): ${buildMs.toFixed(0)} ms`);
    expect(store.size).toBe(SIZE);
    expect(buildMs).toBeLessThan(10_000);
  }, 30_000);

  test("appending 1,000 leaves to 1,000,000 reads and writes only the touched tiles", () => {
    const reads: string[] = [];
    const writes = appendLeaves(SIZE, Array.from({ length: 1000 }, (_, i) => leafHash(new Uint8Array([i & 255, i >> 8]))), (l, i) => {
      reads.push(`${l}/${i}`);
      return store.reader(l, i);
    });
    // 1,000,000 = 3906·256 + 64: L0 tiles 3906..3910, L1 tile 15 (66→70 hashes), L2 tile 0 (width 15, unchanged)
    expect(reads).toEqual(["0/3906", "1/15"]);
    expect(writes.map((w) => `${w.level}/${w.index}:${w.data.length / 32}`)).toEqual(["0/3906:256", "0/3907:256", "0/3908:256", "0/3909:256", "0/3910:40", "1/15:70"]);
  });

  test("inclusionProof + verifyInclusion median ≤ 1 ms", () => {
    const root = treeRoot(SIZE, store.reader);
    const times: number[] = [];
    let seed = 11;
    for (let r = 0; r < 2000; r++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const index = seed % SIZE;
      const leaf = store.tiles.get(`0/${Math.floor(index / 256)}`)!.slice((index % 256) * 32, (index % 256) * 32 + 32);
      const t0 = performance.now();
      const p = inclusionProof(index, SIZE, store.reader);
      const ok = verifyInclusion(index, SIZE, leaf, p, root);
      times.push(performance.now() - t0);
      expect(ok).toBe(true);
    }
    const m = median(times);
    console.log(`inclusionProof + verifyInclusion at 1,000,000: median ${(m * 1000).toFixed(0)} µs, max ${(Math.max(...times) * 1000).toFixed(0)} µs`);
    expect(m).toBeLessThanOrEqual(1);
  });

  test("consistencyProof + verifyConsistency and treeRoot stay well under a few ms", () => {
    const newRoot = treeRoot(SIZE, store.reader);
    const times: number[] = [];
    const rootTimes: number[] = [];
    for (const m of [1, 255, 256, 65_535, 65_536, 123_457, 500_000, 999_999]) {
      let t0 = performance.now();
      const oldRoot = treeRoot(m, store.reader);
      rootTimes.push(performance.now() - t0);
      t0 = performance.now();
      const p = consistencyProof(m, SIZE, store.reader);
      const ok = verifyConsistency(m, SIZE, p, oldRoot, newRoot);
      times.push(performance.now() - t0);
      expect(ok).toBe(true);
    }
    console.log(`consistencyProof + verify at 1,000,000: median ${(median(times) * 1000).toFixed(0)} µs; treeRoot median ${(median(rootTimes) * 1000).toFixed(0)} µs`);
    expect(median(times)).toBeLessThan(5);
  });
});
