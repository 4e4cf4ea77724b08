import { describe, expect, test } from "bun:test";
import { CompactRange } from "./merkle.ts";
import { EMPTY_ROOT } from "./hash.ts";
import { hex, makeLeaves, mth } from "./naive.testutil.ts";

describe("CompactRange", () => {
  const leaves = makeLeaves(1100, 5);

  test("root equals the naive MTH after every append (1..1100), with O(log n) hashes", () => {
    const r = new CompactRange();
    expect(r.size).toBe(0);
    expect(hex(r.root())).toBe(hex(EMPTY_ROOT));
    for (let n = 1; n <= leaves.length; n++) {
      r.append(leaves[n - 1]!);
      expect(r.size).toBe(n);
      expect(hex(r.root())).toBe(hex(mth(leaves, n)));
      expect(r.toJSON().hashes.length).toBe(n.toString(2).replaceAll("0", "").length);
    }
  });

  test("toJSON / fromJSON round trip and continue", () => {
    const r = new CompactRange();
    for (const l of leaves.slice(0, 777)) r.append(l);
    const j = JSON.parse(JSON.stringify(r));
    expect(j.size).toBe(777);
    const back = CompactRange.fromJSON(j);
    expect(hex(back.root())).toBe(hex(r.root()));
    for (const l of leaves.slice(777)) back.append(l);
    expect(hex(back.root())).toBe(hex(mth(leaves)));
    expect(hex(CompactRange.fromJSON({ size: 0, hashes: [] }).root())).toBe(hex(EMPTY_ROOT));
  });

  test("fromJSON refuses malformed ranges", () => {
    const good = (() => {
      const r = new CompactRange();
      for (const l of leaves.slice(0, 5)) r.append(l);
      return r.toJSON();
    })();
    expect(() => CompactRange.fromJSON({ size: 4, hashes: good.hashes })).toThrow("size 4 needs 1 hashes, got 2");
    expect(() => CompactRange.fromJSON({ size: -1, hashes: [] })).toThrow("non-negative integer");
    expect(() => CompactRange.fromJSON({ size: 1, hashes: ["AAAA"] })).toThrow("hashes[0] is not a base64 32-byte hash");
    expect(() => CompactRange.fromJSON({ size: 2, hashes: [good.hashes[0]!.replace(/.$/, "")] })).toThrow("hashes[0]");
    expect(() => CompactRange.fromJSON(null as never)).toThrow("expected an object");
  });

  test("append refuses non-hashes", () => {
    expect(() => new CompactRange().append(new Uint8Array(33))).toThrow("32 bytes");
  });
});
