import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { checkTextBudget, MAX_ALIASES, MAX_FLOW_DEPTH, MAX_TEXT_BYTES, textShape } from "./text-budget.ts";
import { readTree } from "./tree.ts";

describe("textShape", () => {
  test("counts alias tokens and flow depth outside quotes and comments", () => {
    expect(textShape("a: &x [1, {b: *x}]\nc: *x # *not [[[\nd: '*no [' \ne: \"*no {\\\" [\"\nf: 2*3\n")).toEqual({ aliases: 2, flowDepth: 2 });
  });
});

describe("checkTextBudget", () => {
  test("lets ordinary contracts through", () => {
    expect(() => checkTextBudget("schemaVersion: v1\nmaterials:\n  - {type: ARTIFACT, name: bin}\n", "c.yaml")).not.toThrow();
  });

  test.each([
    ["too large", "a: x\n".repeat(MAX_TEXT_BYTES / 4), "maxTextBytes"],
    ["too many aliases", `a: &a 1\nl:\n${"  - *a\n".repeat(MAX_ALIASES + 1)}`, "maxAliases"],
    ["deep flow nesting", `a: ${"[".repeat(MAX_FLOW_DEPTH + 1)}`, "maxFlowDepth"],
    ["deep compact sequences", `a:\n  ${"- ".repeat(40_000)}x\n`, "maxFlowDepth"],
    ["deep JSON", `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`, "maxTextBytes"],
  ])("refuses text %s, before parsing it", async (_n, text, key) => {
    const started = performance.now();
    const err = await expectCode(() => readTree(text, "c.yaml"), "TOO_LARGE");
    expect(Object.keys(err.details as object)).toEqual([key]);
    expect(performance.now() - started).toBeLessThan(200);
  });

  test("an alias bomb under the alias count stops at the copy limit, quickly", async () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
    const started = performance.now();
    const err = await expectCode(() => readTree(lines.join("\n"), "bomb.yaml"), "CONTRACT_INVALID");
    expect(err.message).toContain("copied through YAML aliases");
    expect(performance.now() - started).toBeLessThan(500);
  });
});

test("a self-referencing anchor is refused as a cycle would never end", async () => {
  const err = await expectCode(() => readTree("a: &a [1, *a]\nschemaVersion: v1\n", "self.yaml"), "CONTRACT_INVALID");
  expect(err.message).toMatch(/^self\.yaml: more than \d+ nodes copied through YAML aliases$/);
});
