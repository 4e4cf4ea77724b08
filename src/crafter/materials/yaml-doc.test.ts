import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { parseSpecDocument } from "./spec-doc.ts";
import { MAX_LIBRARY_YAML_BYTES, parseYamlBounded, parseYamlData } from "./yaml-doc.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("parseYamlData", () => {
  test("parses data YAML, sharing nothing it should not", () => {
    expect(parseYamlData("openapi: 3.1.0\ninfo: &i {title: t}\ncopy: *i\n", "s.yaml")).toEqual({ openapi: "3.1.0", info: { title: "t" }, copy: { title: "t" } });
  });

  test.each([
    ["a cycle", "a: &a [1, *a]\n", "cycle"],
    ["an alias bomb", `a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]`).join("\n")}\n`, "alias"],
    ["deep flow nesting", `a: ${"[".repeat(100_000)}`, "Maximum call stack"],
  ])("refuses %s as MATERIAL_INVALID, quickly", async (_n, text, why) => {
    const started = performance.now();
    const err = await expectCode(() => parseYamlData(text, "s.yaml"), "MATERIAL_INVALID");
    expect(err.message).toContain(why);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

test("the yaml library path refuses documents over its budget without parsing them", async () => {
  const err = await expectCode(() => parseYamlBounded(`k: "${"v".repeat(MAX_LIBRARY_YAML_BYTES)}"\n`, "c.tgz: c/values.yaml"), "MATERIAL_INVALID");
  expect(err.message).toContain("over the 524288-character limit");
});

test("spec documents starting with [ are parsed as JSON (issue 18: 20.8 s and 3.4 GB through YAML)", async () => {
  const text = `[${Array.from({ length: 500_000 }, (_, i) => `"x${i}"`).join(",")}]`;
  const started = performance.now();
  const err = await expectCode(() => parseSpecDocument(bytes(text), "arr.json", "an OpenAPI"), "MATERIAL_INVALID");
  expect(err.message).toBe("arr.json: is not an OpenAPI document (expected a JSON or YAML mapping)");
  expect(performance.now() - started).toBeLessThan(1000);
});
