import { expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { parseJson, Problems, projectJson, result, setTools } from "./json-doc.ts";

const enc = new TextEncoder();
const ctx = { fileName: "r.json", strict: true };

test("syntax errors carry line and column", async () => {
  const err = await expectCode(() => parseJson(enc.encode('{\n  "a": 1,\n  "b": }'), ctx), "MATERIAL_INVALID");
  expect(err.details).toEqual({ line: 3, column: 8, offset: 19, reason: "unexpected character \"}\"" });
});

test("empty and whitespace-only files are MATERIAL_EMPTY, non-UTF-8 is MATERIAL_INVALID", async () => {
  await expectCode(() => parseJson(enc.encode(" \n"), ctx), "MATERIAL_EMPTY");
  await expectCode(() => parseJson(new Uint8Array([0x7b, 0xff, 0x7d]), ctx), "MATERIAL_INVALID");
});

test("raw control characters in strings are accepted with a warning", () => {
  const r = parseJson(enc.encode('{"m": "a\rb"}'), ctx);
  expect(r.value).toEqual({ m: "a\rb" });
  expect(r.warnings.length).toBe(1);
});

test("Problems: strict throws with every problem in details, lax records warnings and a count", async () => {
  const strict = new Problems(ctx);
  strict.add("one");
  strict.add("two");
  const err = await expectCode(() => strict.settle(result()), "MATERIAL_INVALID");
  expect(err.details).toEqual({ problems: ["one", "two"] });
  const lax = new Problems({ ...ctx, strict: false });
  lax.add("one");
  const out = result(["earlier"]);
  lax.settle(out);
  expect(out.warnings).toEqual(["earlier", "one"]);
  expect(out.annotations).toEqual({ "cairn.material.validation.warnings": "1" });
});

test("setTools: first tool, de-duplicated name@version list, nameless tools skipped", () => {
  const ann: Record<string, string> = {};
  setTools(ann, [{ name: "" }, { name: "syft", version: "1.0" }, { name: "syft", version: "1.0" }, { name: "grype" }]);
  expect(ann).toEqual({ "cairn.material.tool.name": "syft", "cairn.material.tool.version": "1.0", "cairn.material.tools": '["syft@1.0","grype"]' });
});

test("projectJson wraps top-level arrays as {elements}", () => {
  expect(projectJson(enc.encode("[1,2]"))).toEqual({ elements: [1, 2] });
  expect(projectJson(enc.encode('{"a":1}'))).toEqual({ a: 1 });
});
