import { describe, expect, test } from "bun:test";
import { isCairnError } from "../../errors.ts";
import { compilePolicy } from "./parse.ts";

const GOOD = `apiVersion: cairn.dev/v1
kind: Policy
metadata:
  name: demo
  description: a demo
spec:
  inputs:
    - name: banned
      type: list
      required: true
  rules:
    - name: r1
      kinds: [SBOM_CYCLONEDX_JSON]
      when: has(input.content.components)
      violations: |
        input.content.components.map(c, c.name in input.args.banned, "banned: " + c.name)
`;

/** The POLICY_INVALID message compilePolicy throws for `text`. */
function errorOf(text: string, source = "p.yaml"): { message: string; details: unknown } {
  try {
    compilePolicy(text, source);
  } catch (e) {
    if (isCairnError(e, "POLICY_INVALID")) return { message: e.message, details: e.details };
    throw e;
  }
  throw new Error("compiled without error");
}

describe("compilePolicy", () => {
  test("a valid policy compiles with its inputs, rules and a digest of its source", () => {
    const p = compilePolicy(GOOD, "p.yaml");
    expect(p).toMatchObject({ name: "demo", description: "a demo", source: "p.yaml", inputs: [{ name: "banned", type: "list", required: true }] });
    expect(p.rules.map((r) => [r.name, r.kinds, r.attestation])).toEqual([["r1", ["SBOM_CYCLONEDX_JSON"], false]]);
    expect(p.rules[0]!.violations.at).toBe("p.yaml:16:9");
    expect(p.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(compilePolicy(GOOD + "\n", "p.yaml").digest).not.toBe(p.digest);
  });

  test("JSON and the chainloop.dev/v1 apiVersion are accepted", () => {
    const doc = { apiVersion: "chainloop.dev/v1", kind: "Policy", metadata: { name: "j" }, spec: { rules: [{ name: "a", attestation: true, violations: "[]" }] } };
    expect(compilePolicy(JSON.stringify(doc), "j.json").rules[0]!.attestation).toBe(true);
  });

  test("a CEL syntax error in a block scalar names the file, rule, line and column", () => {
    const bad = GOOD.replace('"banned: " + c.name)', '"banned: " + )');
    const { message } = errorOf(bad);
    expect(message).toContain('p.yaml:16:83: spec.rules[0].violations: rule "r1": violations: CEL syntax error');
  });

  test("a CEL syntax error in a one-line expression points into that line", () => {
    const { message } = errorOf(GOOD.replace("when: has(input.content.components)", "when: has(input.content.components"));
    expect(message).toMatch(/^p\.yaml:14:\d+: spec\.rules\[0\]\.when: rule "r1": when: CEL syntax error/);
  });

  test("type errors and wrong result types are reported at compile time", () => {
    expect(errorOf(GOOD.replace("when: has(input.content.components)", "when: 1 + 'a' == 2")).message).toContain("CEL type error: no such overload");
    expect(errorOf(GOOD.replace("when: has(input.content.components)", `when: "'yes'"`)).message).toContain("must return a bool, returns string");
    const notList = GOOD.replace(/violations: \|\n.*\n/, `violations: "'x'"\n`);
    expect(errorOf(notList).message).toContain("must return a list of strings (violation messages), returns string");
  });

  test("unknown fields, unknown kinds and missing parts are all listed with positions", () => {
    const bad = GOOD.replace("kinds: [SBOM_CYCLONEDX_JSON]", "kinds: [SBOM_CYCLONDX]\n      gate: true").replace("kind: Policy", "kind: Contract");
    const { message, details } = errorOf(bad);
    expect(message).toContain("p.yaml:2:7: kind: must be Policy (and 2 more)");
    expect(details).toEqual([
      { path: "kind", problem: "must be Policy", line: 2, column: 7 },
      { path: "spec.rules[0].kinds[0]", problem: 'unknown material kind "SBOM_CYCLONDX" (see `cairn materials list`)', line: 13, column: 15 },
      { path: "spec.rules[0].gate", problem: 'unknown field "gate" (did you mean "name"?)', line: 14, column: 13 },
    ]);
  });

  test("rules need kinds or attestation, names are DNS-1123 and unique, inputs may not be required with a default", () => {
    const doc = `apiVersion: cairn.dev/v1
kind: Policy
metadata: {name: Bad_Name}
spec:
  inputs:
    - {name: a, required: true, default: "x"}
  rules:
    - {name: r, violations: "[]"}
    - {name: r, kinds: [JUNIT_XML], violations: "[]"}
`;
    const problems = (errorOf(doc).details as { problem: string }[]).map((p) => p.problem);
    expect(problems).toEqual([
      '"Bad_Name" is not a DNS-1123 name (lower case letters, digits and -)',
      "a required input has no default: remove one of them",
      "needs `kinds: [KIND, …]` or `attestation: true`",
      'duplicate rule "r"',
    ]);
  });

  test("YAML syntax errors are POLICY_INVALID with line and column", () => {
    expect(errorOf("kind: Policy\n  bad: [", "x.yaml").message).toMatch(/^x\.yaml:\d+:\d+: YAML syntax error/);
  });

  test("comprehension macros nested deeper than 3 are refused (bounded evaluation cost)", () => {
    const deep = GOOD.replace(/violations: \|\n.*\n/, "violations: input.a.map(x, x.map(y, y.map(z, z.map(w, w))))\n");
    expect(errorOf(deep).message).toContain("comprehension macros nested 4 deep (at most 3)");
    const chained = GOOD.replace(/violations: \|\n.*\n/, "violations: input.a.filter(x, x.b.exists(y, y.c.all(z, z))).map(x, \"m\").filter(x, true)\n");
    expect(compilePolicy(chained, "p.yaml").rules).toHaveLength(1);
  });
});
