import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { NumberLiteral, readTree } from "./tree.ts";

describe("readTree", () => {
  test("maps, lists, scalars; numbers keep their source text", () => {
    const t = readTree("a: 1.10\nb: [0x1f, true, null, text]\nc: { d: 2024-01-01 }\n", "x.yaml");
    const root = t.root as Map<string, unknown>;
    expect(root).toBeInstanceOf(Map);
    expect(root.get("a")).toEqual(new NumberLiteral("1.10", 1.1));
    expect(root.get("b")).toEqual([new NumberLiteral("0x1f", 31), true, null, "text"]);
    expect((root.get("c") as Map<string, unknown>).get("d")).toBe("2024-01-01");
  });

  test("positions are 1-based line/column per path", () => {
    const t = readTree("a:\n  - x\n  - { b: 2 }\n", "x.yaml");
    expect(t.positionOf(["a", 1, "b"])).toEqual({ line: 3, column: 10 });
    expect(t.positionOf(["a", 0])).toEqual({ line: 2, column: 5 });
    expect(t.positionOf(["nope"])).toBeUndefined();
  });

  test("JSON goes through the same parser", () => {
    const t = readTree('{"a": [1, "x"], "__proto__": {"b": false}}', "x.json");
    const root = t.root as Map<string, unknown>;
    expect(root.get("a")).toEqual([new NumberLiteral("1", 1), "x"]);
    expect((root.get("__proto__") as Map<string, unknown>).get("b")).toBe(false);
  });

  test("empty text is a null root", () => {
    expect(readTree("", "x.yaml").root).toBeNull();
    expect(readTree("# c\n", "x.yaml").root).toBeNull();
  });

  test("aliases are resolved", () => {
    const t = readTree("a: &x { n: 1 }\nb: *x\n", "x.yaml");
    expect((t.root as Map<string, unknown>).get("b")).toEqual(new Map([["n", new NumberLiteral("1", 1)]]));
  });

  test("an alias takes the latest anchor of its name before it; aliases resolve in linear time", () => {
    const t = readTree("a: &x 1\nb: *x\nc: &x 2\nd: *x\n&k key: *x\nref: *k\n", "x.yaml");
    const root = t.root as Map<string, unknown>;
    expect([root.get("b"), root.get("d")]).toEqual([new NumberLiteral("1", 1), new NumberLiteral("2", 2)]);
    expect([root.get("key"), root.get("ref")]).toEqual([new NumberLiteral("2", 2), "key"]);
    // 4,000 aliases took 52.9 s when each one walked the whole document (issue 18's probe); now well under a second
    const many = `anchor: &a x\nlist:\n${Array.from({ length: 4000 }, () => "  - *a\n").join("")}`;
    const started = performance.now();
    expect((readTree(many, "many.yaml").root as Map<string, unknown[]>).get("list")).toHaveLength(4000);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test("alias bombs and deep nesting are refused", async () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
    await expectCode(() => readTree(`${lines.join("\n")}\n`, "bomb.yaml"), "CONTRACT_INVALID");
    await expectCode(() => readTree(`${"[".repeat(100)}${"]".repeat(100)}`, "deep.yaml"), "CONTRACT_INVALID");
  });

  test("non-scalar keys are refused", async () => {
    await expectCode(() => readTree("? [a, b]\n: 1\n", "x.yaml"), "CONTRACT_INVALID");
  });

  test("syntax errors carry line and column in details", async () => {
    const e = await expectCode(() => readTree("a: 1\nb: [\n", "x.yaml"), "CONTRACT_INVALID");
    const [d] = e.details as { line: number; column: number }[];
    expect(d!.line).toBeGreaterThanOrEqual(2);
    expect(e.message).toMatch(/^x\.yaml:\d+:\d+: YAML syntax error: /);
  });
});
