import { describe, expect, test } from "bun:test";
import type { PolicyAttachment } from "../contract/types.ts";
import type { PolicyEvaluation } from "../state/types.ts";
import { appliesTo, policySummary, replaceMaterialEvaluations, selectorMatches, toEvaluation } from "./attach.ts";
import type { CompiledPolicy } from "./types.ts";

const attach = (extra: Partial<PolicyAttachment> = {}): PolicyAttachment => ({ ref: "builtin:x", with: {}, requirements: [], disabled: false, ...extra });
const policy = (kinds: string[]) => ({ rules: [{ name: "r", kinds, attestation: false }] }) as unknown as CompiledPolicy;
const ev = (material: string | undefined, violations: number, gate = false, skipped?: string): PolicyEvaluation => ({
  policy: "p",
  digest: "sha256:0",
  ...(material !== undefined && { material }),
  inputs: {},
  violations: Array.from({ length: violations }, (_, i) => ({ rule: "r", message: `m${i}` })),
  ...(skipped !== undefined && { skipped }),
  gate,
});

describe("attachments and materials", () => {
  test("selectors: EXACT, PREFIX, none", () => {
    expect(selectorMatches(attach({ selector: { name: "sbom", matchMode: "EXACT" } }), "sbom")).toBe(true);
    expect(selectorMatches(attach({ selector: { name: "sbom", matchMode: "EXACT" } }), "sbom-2")).toBe(false);
    expect(selectorMatches(attach({ selector: { name: "sbom", matchMode: "PREFIX" } }), "sbom-2")).toBe(true);
    expect(selectorMatches(attach(), "anything")).toBe(true);
  });

  test("without a selector only materials of the policy's kinds; with one, every selected material", () => {
    expect(appliesTo(attach(), policy(["JUNIT_XML"]), { name: "sbom", kind: "SBOM_CYCLONEDX_JSON" })).toBe(false);
    expect(appliesTo(attach(), policy(["*"]), { name: "sbom", kind: "SBOM_CYCLONEDX_JSON" })).toBe(true);
    expect(appliesTo(attach({ selector: { name: "sbom", matchMode: "EXACT" } }), policy(["JUNIT_XML"]), { name: "sbom", kind: "SBOM_CYCLONEDX_JSON" })).toBe(true);
  });

  test("the gate defaults to false; skipped is kept", () => {
    const e = toEvaluation({ name: "p", digest: "sha256:0", inputs: {}, violations: [], skipped: "why" }, attach(), "sbom");
    expect(e).toEqual({ policy: "p", digest: "sha256:0", material: "sbom", inputs: {}, violations: [], skipped: "why", gate: false });
  });

  test("a re-added material's evaluations are replaced, the others kept", () => {
    const out = replaceMaterialEvaluations([ev("a", 1), ev("b", 1), ev(undefined, 1)], ["a"], [ev("a", 0)]);
    expect(out.map((e) => [e.material, e.violations.length])).toEqual([["b", 1], [undefined, 1], ["a", 0]]);
  });
});

describe("policy summary", () => {
  test("counts; a non-gated violation neither blocks nor is bypassed", () => {
    expect(policySummary([ev("a", 2), ev("b", 0, true, "no rule")], false)).toMatchObject({
      policyEvaluationsCount: 2, policyViolationsCount: 2, policySkippedCount: 1, policyHasGatedViolations: false, policyBlocked: false, policyBypassed: false,
    });
  });

  test("a violated gate blocks; with the bypass it is recorded as bypassed", () => {
    expect(policySummary([ev("a", 1, true)], false)).toMatchObject({ policyBlocked: true, policyBypassed: false });
    expect(policySummary([ev("a", 1, true)], true)).toMatchObject({ policyBlocked: false, policyBypassed: true });
    expect(policySummary([ev("a", 0, true)], true)).toMatchObject({ policyBlocked: false, policyBypassed: false });
  });
});
