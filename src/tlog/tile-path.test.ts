import { describe, expect, test } from "bun:test";
import { entriesPath, parseTilePath, tilePath } from "./tile-path.ts";

const segs = (path: string) => {
  expect(path.startsWith("tile/")).toBe(true);
  return path.slice("tile/".length).split("/");
};

describe("tile paths", () => {
  test("encodes indices in x-prefixed 3-digit groups", () => {
    expect(tilePath(0, 0)).toBe("tile/0/000");
    expect(tilePath(0, 1234)).toBe("tile/0/x001/234");
    expect(tilePath(1, 17, 17)).toBe("tile/1/017.p/17");
    expect(tilePath(1, 0, 17)).toBe("tile/1/000.p/17");
    expect(tilePath(2, 1234067)).toBe("tile/2/x001/x234/067");
    expect(tilePath(0, 5, 256)).toBe("tile/0/005");
    expect(entriesPath(1234, 5)).toBe("tile/entries/x001/234.p/5");
    expect(entriesPath(999)).toBe("tile/entries/999");
    expect(entriesPath(1000)).toBe("tile/entries/x001/000");
  });

  test("refuses bad arguments", () => {
    expect(() => tilePath(64, 0)).toThrow("level");
    expect(() => tilePath(-1, 0)).toThrow("level");
    expect(() => tilePath(0, -1)).toThrow("index");
    expect(() => tilePath(0, 1.5)).toThrow("index");
    expect(() => tilePath(0, 0, 0)).toThrow("width");
    expect(() => entriesPath(0, 257)).toThrow("width");
  });

  test("round trips", () => {
    const indices = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1234, 999999, 1000000, 1234067, 2 ** 45 + 3, Number.MAX_SAFE_INTEGER];
    for (const index of indices) {
      for (const level of [0, 1, 7, 63]) {
        for (const width of [undefined, 1, 112, 255]) {
          const parsed = parseTilePath(segs(tilePath(level, index, width)));
          expect(parsed).toEqual(width === undefined ? { kind: "hash", level, index } : { kind: "hash", level, index, width });
        }
      }
      expect(parseTilePath(segs(entriesPath(index, 5)))).toEqual({ kind: "entries", index, width: 5 });
      expect(parseTilePath(segs(entriesPath(index)))).toEqual({ kind: "entries", index });
    }
    expect(parseTilePath(["0", "x001", "234.p", "5"])).toEqual({ kind: "hash", level: 0, index: 1234, width: 5 });
  });

  test("refuses non-canonical paths", () => {
    const bad = [
      [],
      ["0"],
      ["entries"],
      ["00", "000"], // leading zero level
      ["64", "000"], // level out of range
      ["-1", "000"],
      ["a", "000"],
      ["0", "00"], // short group
      ["0", "0000"], // long group
      ["0", "1"],
      ["0", "x000", "001"], // leading zero group
      ["0", "001", "002"], // last group not last
      ["0", "x001"], // no final group
      ["0", "x01", "234"],
      ["0", "000.p"], // width missing
      ["0", "000.p", "0"],
      ["0", "000.p", "256"],
      ["0", "000.p", "05"],
      ["0", "000.p", "5", "6"],
      ["0", "000.p", "x"],
      ["0", "000", ".p", "5"],
      ["0", "000.q", "5"],
      ["0", "000", ""],
      ["entries", "000.p", "300"],
      ["entries", "x000", "000"],
      ["0", "x009", "x007", "x199", "x254", "x740", "x992", "000"], // beyond 2^53
    ];
    for (const s of bad) expect([s, parseTilePath(s)]).toEqual([s, undefined]);
  });
});
