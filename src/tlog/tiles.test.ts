import { describe, expect, test } from "bun:test";
import { MemTiles, hex, makeLeaves, naiveTiles } from "./naive.testutil.ts";
import { appendLeaves, levelWidth, tileCountAt, tileWidthAt, tilesAt, tilesChanged } from "./tiles.ts";

const hexMap = (m: Map<string, Uint8Array>) => new Map([...m].map(([k, v]) => [k, hex(v)]));

describe("tile widths", () => {
  test("size 70,000 = 273 full L0 + L0 .p/112 + 1 full L1 + L1 .p/17 + L2 .p/1", () => {
    const n = 70000;
    expect(tileCountAt(0, n)).toBe(274);
    for (let i = 0; i < 273; i++) expect(tileWidthAt(0, i, n)).toBe(256);
    expect(tileWidthAt(0, 273, n)).toBe(112);
    expect(tileWidthAt(0, 274, n)).toBe(0);
    expect(tileWidthAt(1, 0, n)).toBe(256);
    expect(tileWidthAt(1, 1, n)).toBe(17);
    expect(tileWidthAt(1, 2, n)).toBe(0);
    expect(tileWidthAt(2, 0, n)).toBe(1);
    expect(tileWidthAt(3, 0, n)).toBe(0);
    expect(tilesAt(n).filter((t) => t.width < 256)).toEqual([
      { level: 0, index: 273, width: 112 },
      { level: 1, index: 1, width: 17 },
      { level: 2, index: 0, width: 1 },
    ]);
    expect(tilesAt(n).length).toBe(274 + 2 + 1);
  });

  test("edges", () => {
    expect(tileWidthAt(0, 0, 0)).toBe(0);
    expect(tileWidthAt(1, 0, 255)).toBe(0);
    expect(tileWidthAt(1, 0, 256)).toBe(1);
    expect(tileWidthAt(2, 0, 65536)).toBe(1);
    expect(tileWidthAt(1, 0, 65536)).toBe(256);
    expect(levelWidth(6, 2 ** 53 - 1)).toBe(2 ** 5 - 1);
    expect(levelWidth(7, 2 ** 53 - 1)).toBe(0);
    expect(levelWidth(63, 2 ** 53 - 1)).toBe(0);
    expect(tilesAt(0)).toEqual([]);
    expect(() => levelWidth(0, -1)).toThrow("tree size");
    expect(() => levelWidth(64, 1)).toThrow("level");
    expect(() => tileWidthAt(0, -1, 1)).toThrow("index");
  });

  test("tilesChanged names exactly the tiles whose content differs", () => {
    for (const [a, b] of [[0, 1], [255, 256], [100, 70000], [65535, 65536], [70000, 70000], [256, 511]] as const) {
      const before = new Map(tilesAt(a).map((t) => [`${t.level}/${t.index}`, t.width]));
      const expected = tilesAt(b).filter((t) => before.get(`${t.level}/${t.index}`) !== t.width);
      expect(tilesChanged(a, b)).toEqual(expected);
    }
    expect(() => tilesChanged(5, 4)).toThrow("larger");
  });
});

describe("appendLeaves", () => {
  test("one batch equals the naive tiles for every size 1..300", () => {
    const leaves = makeLeaves(300);
    for (let n = 1; n <= 300; n++) {
      const t = new MemTiles();
      t.append(leaves.slice(0, n));
      expect(hexMap(t.tiles)).toEqual(hexMap(naiveTiles(leaves.slice(0, n))));
    }
  });

  test("random batch sizes equal one batch (up to 70,000 leaves, three levels)", () => {
    const leaves = makeLeaves(70000, 1);
    const once = new MemTiles();
    once.append(leaves);
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const batched = new MemTiles();
    while (batched.size < leaves.length) {
      const r = rnd();
      const n = r < 0.3 ? 1 + Math.floor(rnd() * 3) : r < 0.9 ? Math.floor(rnd() * 600) : Math.floor(rnd() * 20000);
      const before = batched.size;
      const writes = batched.append(leaves.slice(before, before + n));
      const keys = writes.map((w) => `${w.level}/${w.index}`);
      expect(new Set(keys).size).toBe(keys.length); // each changed tile once
      const expected = tilesChanged(before, batched.size);
      expect(keys.sort()).toEqual(expected.map((t) => `${t.level}/${t.index}`).sort());
    }
    expect(hexMap(batched.tiles)).toEqual(hexMap(once.tiles));
    expect(once.tiles.get("2/0")!.length).toBe(32);
    expect(hexMap(naiveTiles(leaves.slice(0, 65536))).get("2/0")).toBe(hex(once.tiles.get("2/0")!));
  });

  test("appending nothing writes nothing; bad input is refused", () => {
    const t = new MemTiles();
    t.append(makeLeaves(10));
    expect(appendLeaves(10, [], t.reader)).toEqual([]);
    expect(() => appendLeaves(10, [new Uint8Array(31)], t.reader)).toThrow("leaf 0 is 31 bytes");
    expect(() => appendLeaves(11, makeLeaves(1), t.reader)).toThrow("tile/0/000 (level 0, index 0) is too short");
    expect(() => appendLeaves(300, makeLeaves(1), () => undefined)).toThrow("tile/0/001 (level 0, index 1) is missing");
    expect(() => appendLeaves(-1, [], t.reader)).toThrow("tree size");
  });

  test("a stale longer tile is cut back to the tree size (rollback of an unpublished append)", () => {
    const t = new MemTiles();
    t.append(makeLeaves(20));
    const other = makeLeaves(5, 9);
    const writes = appendLeaves(10, other, t.reader);
    expect(writes.length).toBe(1);
    const fresh = new MemTiles();
    fresh.append([...makeLeaves(10), ...other]);
    expect(hex(writes[0]!.data)).toBe(hex(fresh.tiles.get("0/0")!));
  });
});
