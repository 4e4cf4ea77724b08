import { expect, test } from "bun:test";
import type { Sample } from "./kind.ts";
import { firstRecord, hasTopKey, headJson, headObject, isEmptyArray } from "./json-sniff.ts";

const enc = new TextEncoder();
const sample = (text: string | Uint8Array, fileName = "f.json"): Sample => {
  const head = typeof text === "string" ? enc.encode(text) : text;
  return { head, size: head.length, fileName };
};

test("binary and non-JSON text are rejected before decoding", () => {
  expect(headJson(sample(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0])))).toBeUndefined();
  expect(headJson(sample("hello {"))).toBeUndefined();
  expect(headJson(sample(""))).toBeUndefined();
});

test("a byte-order mark and leading whitespace are skipped", () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('\n  {"spdxVersion": "SPDX-2.3"}')]);
  expect(headObject(sample(bom))).toEqual({ spdxVersion: "SPDX-2.3" });
});

test("hasTopKey matches top-level keys only, with an optional exact value", () => {
  const s = sample('{"bomFormat": "CycloneDX", "metadata": {"scanID": "x"}}');
  expect(hasTopKey(s, "bomFormat")).toBe(true);
  expect(hasTopKey(s, "bomFormat", "CycloneDX")).toBe(true);
  expect(hasTopKey(s, "bomFormat", "SPDX")).toBe(false);
  expect(hasTopKey(s, "scanID")).toBe(false);
});

test("a head cut by the 64 KiB limit is still read", () => {
  const s = sample(`{"bomFormat": "CycloneDX", "components": [${'{"name": "x"},'.repeat(5000)}{"name": "cut`);
  expect(headObject(s)?.["bomFormat"]).toBe("CycloneDX");
  expect(headJson(s)?.complete).toBe(false);
});

test("the read is cached per head", () => {
  const s = sample('[{"RuleID": "a", "Fingerprint": "f"}]');
  expect(headJson(s)).toBe(headJson(s) as NonNullable<ReturnType<typeof headJson>>);
  expect(firstRecord(s)).toEqual({ RuleID: "a", Fingerprint: "f" });
});

test("isEmptyArray only for a complete []", () => {
  expect(isEmptyArray(sample(" [ ]\n"))).toBe(true);
  expect(isEmptyArray(sample("[1]"))).toBe(false);
  expect(isEmptyArray(sample("["))).toBe(false);
});
