import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { EMPTY_ROOT, HASH_SIZE, bytesEqual, hashRun, largestPowerOfTwoBelow, leafHash, nodeHash } from "./hash.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sha = (...parts: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return hex(h.digest());
};

describe("hash", () => {
  test("EMPTY_ROOT is SHA-256 of nothing", () => {
    expect(HASH_SIZE).toBe(32);
    expect(hex(EMPTY_ROOT)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  test("leafHash and nodeHash use the RFC 6962 prefixes", () => {
    const e = new TextEncoder().encode("hello");
    expect(hex(leafHash(e))).toBe(sha(new Uint8Array([0]), e));
    // RFC 6962 test vector: the leaf hash of the empty entry
    expect(hex(leafHash(new Uint8Array(0)))).toBe("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    const l = leafHash(e);
    const r = leafHash(new Uint8Array([1, 2]));
    expect(hex(nodeHash(l, r))).toBe(sha(new Uint8Array([1]), l, r));
    expect(() => nodeHash(l, new Uint8Array(31))).toThrow("32-byte");
  });

  test("hashRun follows the largest-power-of-two split", () => {
    const hs = [0, 1, 2, 3, 4].map((i) => leafHash(new Uint8Array([i])));
    const buf = new Uint8Array(5 * 32);
    hs.forEach((h, i) => buf.set(h, i * 32));
    const expected = nodeHash(nodeHash(nodeHash(hs[0]!, hs[1]!), nodeHash(hs[2]!, hs[3]!)), hs[4]!);
    expect(bytesEqual(hashRun(buf, 0, 5), expected)).toBe(true);
    expect(bytesEqual(hashRun(buf, 3, 2), nodeHash(hs[3]!, hs[4]!))).toBe(true);
    expect(bytesEqual(hashRun(buf, 2, 1), hs[2]!)).toBe(true);
  });

  test("largestPowerOfTwoBelow", () => {
    expect([2, 3, 4, 5, 8, 9, 256, 257].map(largestPowerOfTwoBelow)).toEqual([1, 2, 2, 4, 4, 8, 128, 256]);
    expect(largestPowerOfTwoBelow(2 ** 52 + 1)).toBe(2 ** 52);
  });

  test("bytesEqual", () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1]), new Uint8Array([1, 3]))).toBe(false);
  });
});
