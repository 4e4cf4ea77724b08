import { describe, expect, test } from "bun:test";
import { expectCode } from "../test-helpers.ts";
import { MAX_ENTRY_SIZE, decodeEntryBundle, encodeEntryBundle } from "./entry-bundle.ts";

describe("entry bundles", () => {
  test("encodes uint16 big-endian length prefixes", () => {
    const b = encodeEntryBundle([new Uint8Array([7, 8, 9]), new Uint8Array(0), new Uint8Array(300).fill(1)]);
    expect([...b.subarray(0, 7)]).toEqual([0, 3, 7, 8, 9, 0, 0]);
    expect([...b.subarray(7, 9)]).toEqual([1, 44]);
    expect(b.length).toBe(5 + 2 + 302);
    expect(encodeEntryBundle([]).length).toBe(0);
  });

  test("round trips, including the largest entry", () => {
    const entries = [new Uint8Array(0), new Uint8Array(MAX_ENTRY_SIZE).fill(0xab), ...Array.from({ length: 256 }, (_, i) => new TextEncoder().encode(`entry ${i}`))];
    const back = decodeEntryBundle(encodeEntryBundle(entries));
    expect(back.length).toBe(entries.length);
    back.forEach((e, i) => expect(Buffer.from(e).equals(Buffer.from(entries[i]!))).toBe(true));
  });

  test("refuses entries over 65535 bytes", async () => {
    const e = await expectCode(() => encodeEntryBundle([new Uint8Array(1), new Uint8Array(MAX_ENTRY_SIZE + 1)]), "TOO_LARGE");
    expect(e.message).toContain("entry 1");
  });

  test("names the offset of truncated data", () => {
    const b = encodeEntryBundle([new Uint8Array([1, 2]), new Uint8Array([3, 4, 5])]);
    expect(() => decodeEntryBundle(b.subarray(0, b.length - 1))).toThrow("offset 4");
    expect(() => decodeEntryBundle(b.subarray(0, 5))).toThrow("offset 4: a length prefix");
    expect(() => decodeEntryBundle(new Uint8Array([0]))).toThrow("offset 0");
    expect(decodeEntryBundle(b.subarray(0, 4)).length).toBe(1);
  });
});
