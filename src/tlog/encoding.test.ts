import { describe, expect, test } from "bun:test";
import { decodeBase64Strict, encodeBase64, textProblem, toHex } from "./encoding.ts";

describe("encoding", () => {
  test("strict base64", () => {
    expect([...decodeBase64Strict("AAEC")!]).toEqual([0, 1, 2]);
    expect([...decodeBase64Strict("AAE=")!]).toEqual([0, 1]);
    expect([...decodeBase64Strict("")!]).toEqual([]);
    for (const bad of ["AAE", "AA==AA==", "AA-_", "AA E", "AAE=\n", "=AAA", "A==="]) expect(decodeBase64Strict(bad)).toBeUndefined();
    expect(decodeBase64Strict("AAF=")).toBeUndefined(); // non-zero pad bits
    expect([...decodeBase64Strict("AAF=", false)!]).toEqual([0, 1]);
    expect(encodeBase64(new Uint8Array([0, 1]))).toBe("AAE=");
    expect(toHex(new Uint8Array([0, 255]))).toBe("00ff");
  });

  test("textProblem", () => {
    expect(textProblem("a\nb — ü 😀\n")).toBeUndefined();
    expect(textProblem("a\u0000")).toContain("U+0000 at offset 1");
    expect(textProblem("\r")).toContain("U+000d");
    expect(textProblem("x\udc00")).toContain("U+dc00");
  });
});
