import { describe, expect, test } from "bun:test";
import { lineCol, scanJson } from "./json-scan.ts";

describe("scanJson, partial (sniff heads)", () => {
  const cases: { name: string; text: string; value: unknown; complete: boolean }[] = [
    { name: "whole object", text: '{"a": [1, true, null], "b": "x"}', value: { a: [1, true, null], b: "x" }, complete: true },
    { name: "object cut inside a nested array keeps complete items", text: '{"a": 1, "list": [{"k": "v"}, {"k": "w', value: { a: 1, list: [{ k: "v" }, { k: "w" }] }, complete: false },
    { name: "cut key is dropped", text: '{"bomFormat": "CycloneDX", "specVer', value: { bomFormat: "CycloneDX" }, complete: false },
    { name: "cut number is dropped (1.5 could read as 1.)", text: '{"a": "x", "n": 1.5', value: { a: "x" }, complete: false },
    { name: "cut literal is dropped", text: '{"ok": tr', value: {}, complete: false },
    { name: "cut string keeps its prefix", text: '{"payload": "eyJfdHlw', value: { payload: "eyJfdHlw" }, complete: false },
    { name: "escapes are decoded", text: '{"s": "a\\n\\u00e9\\"b"}', value: { s: 'a\né"b' }, complete: true },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = scanJson(c.text, { partial: true });
      expect(r.value).toEqual(c.value);
      expect(r.complete).toBe(c.complete);
      expect(r.error).toBeUndefined();
    });
  }

  test("JSON Lines: the first value is read and trailing content is flagged", () => {
    const r = scanJson('{"a":1}\n{"a":2}\n', { partial: true });
    expect(r.value).toEqual({ a: 1 });
    expect(r.trailing).toBe(true);
  });

  test("a __proto__ key stays data", () => {
    const r = scanJson('{"__proto__": {"polluted": true}}', { partial: true });
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect((r.value as Record<string, unknown>)["__proto__"]).toEqual({ polluted: true });
  });

  test("a syntax error keeps what came before it", () => {
    const r = scanJson('{"a": 1, "b": ]', { partial: true });
    expect(r.value).toEqual({ a: 1 });
    expect(r.error?.offset).toBe(14);
  });
});

describe("scanJson, strict (locating errors)", () => {
  const cases: { text: string; offset: number; reason: RegExp }[] = [
    { text: '{"a": 1,}', offset: 8, reason: /property name/ },
    { text: '{"a" 1}', offset: 5, reason: /':'/ },
    { text: '[1 2]', offset: 3, reason: /','/ },
    { text: '{"a": 01}', offset: 7, reason: /invalid number/ },
    { text: '{"a": "x\ty"}', offset: 8, reason: /control character/ },
    { text: '{"a": 1', offset: 7, reason: /end of input/ },
    { text: '{"a": 1} x', offset: 9, reason: /after the JSON value/ },
    { text: "", offset: 0, reason: /end of input/ },
  ];
  for (const c of cases) {
    test(JSON.stringify(c.text), () => {
      const r = scanJson(c.text, { partial: false });
      expect(r.error?.offset).toBe(c.offset);
      expect(r.error?.reason).toMatch(c.reason);
    });
  }

  test("raw control characters pass when allowed", () => {
    const r = scanJson('{"a": "x\ry"}', { partial: false, allowControlChars: true });
    expect(r.error).toBeUndefined();
    expect(r.value).toEqual({ a: "x\ry" });
  });

  test("nesting deeper than maxDepth is an error, not a stack overflow", () => {
    const r = scanJson("[".repeat(100) + "]".repeat(100), { partial: false, maxDepth: 50 });
    expect(r.error?.reason).toBe("nesting too deep");
  });
});

test("lineCol counts 1-based lines and columns", () => {
  expect(lineCol("ab\ncd\nef", 0)).toEqual({ line: 1, column: 1 });
  expect(lineCol("ab\ncd\nef", 4)).toEqual({ line: 2, column: 2 });
  expect(lineCol("ab\ncd\nef", 6)).toEqual({ line: 3, column: 1 });
});
