import { describe, expect, test } from "bun:test";
import { boundedDetails, boundedMessage, excerpt, MAX_LINE_BYTES, MAX_LINES } from "./bounded.ts";
import { CairnError } from "./errors.ts";

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("boundedMessage", () => {
  test("short messages are unchanged", () => {
    expect(boundedMessage("c.yaml:3:1: unknown field")).toBe("c.yaml:3:1: unknown field");
  });

  test("a huge line keeps its start and its end within the byte limit", () => {
    const line = `big.graphql: Unexpected Name "${"x".repeat(50_000_000)}" at the end`;
    const out = boundedMessage(line);
    expect(bytes(out)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(out.startsWith('big.graphql: Unexpected Name "xxx')).toBe(true);
    expect(out.endsWith('xxx" at the end')).toBe(true);
    expect(out).toContain("characters, cut");
  });

  test("multi-byte characters count as their UTF-8 bytes and are never split", () => {
    const out = boundedMessage("é😀".repeat(10_000));
    expect(bytes(out)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(out).not.toContain("\uFFFD");
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(out)).toBe(false);
  });

  test("lines are bounded one by one, and their number too; control characters are shown as ?", () => {
    const out = boundedMessage(Array.from({ length: 200 }, (_, i) => `v${i}\u001b[2J`).join("\n"));
    const lines = out.split("\n");
    expect(lines.length).toBe(MAX_LINES + 1);
    expect(lines[0]).toBe("v0?[2J");
    expect(lines.at(-1)).toBe(`… and ${200 - MAX_LINES} more lines`);
  });

  test("is idempotent", () => {
    const once = boundedMessage("a".repeat(10_000));
    expect(boundedMessage(once)).toBe(once);
  });
});

test("excerpt quotes at most 200 characters", () => {
  expect(excerpt("ok")).toBe('"ok"');
  expect(excerpt("y".repeat(1000))).toBe(`"${"y".repeat(200)}"… (1000 characters)`);
});

test("CairnError bounds its message, hint and the strings of its details", () => {
  const huge = "z".repeat(1_000_000);
  const e = new CairnError("MATERIAL_INVALID", `f: ${huge}`, { hint: huge, details: { entry: huge, problems: [huge], n: 3 } });
  expect(bytes(e.message)).toBeLessThanOrEqual(MAX_LINE_BYTES);
  expect(bytes(e.hint!)).toBeLessThanOrEqual(MAX_LINE_BYTES);
  const d = e.details as { entry: string; problems: string[]; n: number };
  expect([bytes(d.entry) <= MAX_LINE_BYTES, bytes(d.problems[0]!) <= MAX_LINE_BYTES, d.n]).toEqual([true, true, 3]);
  expect(boundedDetails(null)).toBeNull();
});
