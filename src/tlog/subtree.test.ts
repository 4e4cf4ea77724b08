import { describe, expect, test } from "bun:test";
import { MemTiles, hex, makeLeaves, mth } from "./naive.testutil.ts";
import { TileCache, subtreeHash } from "./subtree.ts";

describe("subtreeHash", () => {
  const leaves = makeLeaves(70000, 4);
  const store = new MemTiles();
  store.append(leaves);

  test("aligned subtrees read one tile; border ranges split at the largest power of two", () => {
    const reads: string[] = [];
    const cache = new TileCache((l, i) => {
      reads.push(`${l}/${i}`);
      return store.reader(l, i);
    });
    expect(hex(subtreeHash(65536, 65536 + 256, cache))).toBe(hex(store.tiles.get("1/1")!.subarray(0, 32)));
    expect(reads).toEqual(["1/1"]);
    expect(hex(subtreeHash(512, 640, cache))).toBe(hex(mth(leaves.slice(512, 640))));
    expect(reads).toEqual(["1/1", "0/2"]);
    expect(hex(subtreeHash(0, 65536, cache))).toBe(hex(store.tiles.get("2/0")!));
    expect(hex(subtreeHash(65536, 70000, cache))).toBe(hex(mth(leaves.slice(65536))));
    expect(hex(subtreeHash(69888, 70000, cache))).toBe(hex(mth(leaves.slice(69888))));
    // each tile read once
    expect(new Set(reads).size).toBe(reads.length);
  });

  test("refuses ranges that are not tree nodes", () => {
    const cache = new TileCache(store.reader);
    expect(() => subtreeHash(3, 7, cache)).toThrow("not a node");
    expect(() => subtreeHash(5, 5, cache)).toThrow("empty subtree");
  });
});
