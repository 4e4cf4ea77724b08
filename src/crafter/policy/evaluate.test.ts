import { describe, expect, test } from "bun:test";
import { isCairnError } from "../../errors.ts";
import { resolveArgs, splitValues } from "./args.ts";
import { evaluateAttestationPolicy, evaluateMaterialPolicy, type EvalOptions, type MaterialSubject } from "./evaluate.ts";
import { compilePolicy } from "./parse.ts";

const POLICY = compilePolicy(
  `apiVersion: cairn.dev/v1
kind: Policy
metadata: {name: p}
spec:
  inputs:
    - {name: names, type: list, default: "a"}
    - {name: mode, default: strict}
    - {name: must}
  rules:
    - name: names
      kinds: [SBOM_CYCLONEDX_JSON]
      violations: input.content.items.map(i, i in input.args.names, "item " + i)
    - name: only-when-strict
      kinds: [SBOM_CYCLONEDX_JSON]
      when: input.args.mode == "strict"
      violations: "size(input.content.items) > 2 ? ['too many items'] : []"
    - name: statement
      attestation: true
      violations: "input.statement.subject.map(s, s.name)"
`,
  "p.yaml",
);

const opts = (w: Record<string, string> = {}, extra: Partial<EvalOptions> = {}): EvalOptions => ({ with: w, now: new Date("2026-01-01T00:00:00Z"), clock: () => 0, ...extra });
const sbom = (items: unknown): MaterialSubject => ({ name: "sbom", kind: "SBOM_CYCLONEDX_JSON", digest: "sha256:00", value: "sbom.json", annotations: {}, content: { items } });

describe("policy arguments", () => {
  test("values split on commas and newlines, `\\,` is a literal comma, empties dropped", () => {
    expect(splitValues("a, b\nc,,\\,d")).toEqual(["a", "b", "c", ",d"]);
  });

  test("list inputs are always lists; string inputs become lists only with several items; defaults apply", () => {
    expect(resolveArgs(POLICY, { mode: "x,y" })).toEqual({ args: { names: ["a"], mode: ["x", "y"], must: "" }, inputs: { names: "a", mode: "x,y", must: "" } });
  });

  test("an unknown input is an error naming the policy and suggesting the closest", () => {
    try {
      resolveArgs(POLICY, { nmes: "x" });
      throw new Error("no error");
    } catch (e) {
      expect(isCairnError(e, "POLICY_INVALID")).toBe(true);
      expect((e as Error).message).toBe('policy p: unknown input "nmes" (did you mean "names"?)');
    }
  });
});

describe("evaluateMaterialPolicy", () => {
  test("violations come in rule order, then list order, with inputs recorded", () => {
    const r = evaluateMaterialPolicy(POLICY, sbom(["b", "a", "c", "b"]), opts({ names: "b,c" }));
    expect(r).toEqual({
      name: "p",
      digest: POLICY.digest,
      inputs: { names: "b,c", mode: "strict", must: "" },
      violations: [
        { rule: "names", message: "item b" },
        { rule: "names", message: "item c" },
        { rule: "names", message: "item b" },
        { rule: "only-when-strict", message: "too many items" },
      ],
    });
  });

  test("a `when` that is false skips its rule; no applicable rule at all marks the policy skipped", () => {
    expect(evaluateMaterialPolicy(POLICY, sbom([]), opts({ mode: "lax" })).violations).toEqual([]);
    const junit = { ...sbom([]), kind: "JUNIT_XML" };
    expect(evaluateMaterialPolicy(POLICY, junit, opts()).skipped).toBe("no rule for material kind JUNIT_XML");
  });

  test("a runtime error fails closed: a violation naming the rule and the expression's position", () => {
    const r = evaluateMaterialPolicy(POLICY, { ...sbom([]), content: {} }, opts());
    expect(r.violations[0]).toEqual({ rule: "names", message: "evaluation error: No such key: items (expression at p.yaml:12:19)" });
  });

  test("content over the size cap fails every applicable rule instead of being skipped", () => {
    const r = evaluateMaterialPolicy(POLICY, { ...sbom([]), unevaluable: "too big" }, opts());
    expect(r.violations).toEqual([{ rule: "names", message: "not evaluated: too big" }, { rule: "only-when-strict", message: "not evaluated: too big" }]);
  });

  test("when the time budget runs out, the remaining rules become violations", () => {
    let t = 0;
    const r = evaluateMaterialPolicy(POLICY, sbom(["x"]), opts({}, { budgetMs: 10, clock: () => (t += 20) }));
    expect(r.violations).toEqual([
      { rule: "names", message: "not evaluated: the policy's 10 ms time budget ran out before this rule" },
      { rule: "only-when-strict", message: "not evaluated: the policy's 10 ms time budget ran out before this rule" },
    ]);
  });

  test("an expression still running at the deadline is stopped as it reads its input: a violation, not a hang", () => {
    const cubic = compilePolicy(
      `apiVersion: cairn.dev/v1
kind: Policy
metadata: {name: cubic}
spec:
  rules:
    - name: cubic
      kinds: [SBOM_CYCLONEDX_JSON]
      violations: "input.content.items.map(a, input.content.items.map(b, input.content.items.filter(c, c == a + b))).size() > 0 ? [] : []"
`,
      "cubic.yaml",
    );
    const items = Array.from({ length: 2000 }, (_, i) => i); // 8e9 steps: hours without the guard
    const t0 = performance.now();
    const r = evaluateMaterialPolicy(cubic, sbom(items), opts({}, { budgetMs: 100, clock: () => performance.now() }));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.violations).toEqual([{ rule: "cubic", message: expect.stringContaining("the policy's 100 ms time budget ran out") }]);
  });

  test("the same inputs give the same result (deterministic)", () => {
    const a = evaluateMaterialPolicy(POLICY, sbom(["a", "b"]), opts());
    expect(evaluateMaterialPolicy(POLICY, sbom(["a", "b"]), opts())).toEqual(a);
  });
});

describe("evaluateAttestationPolicy", () => {
  test("attestation rules see the statement; material rules do not run", () => {
    const r = evaluateAttestationPolicy(POLICY, { subject: [{ name: "app" }] }, opts());
    expect(r.violations).toEqual([{ rule: "statement", message: "app" }]);
  });
});
