/**
 * Contract attachments × materials, and the policy block of the predicate. Pure: which attachment applies to which
 * material, how evaluations are ordered and counted, and when an attestation is blocked by a gate.
 */
import type { Contract, PolicyAttachment } from "../contract/types.ts";
import type { PolicyEvaluation } from "../state/types.ts";
import type { CompiledPolicy, PolicyResult } from "./types.ts";

/** Active (not `disabled`) material and attestation attachments, with their position for error messages. */
export function activeAttachments(contract: Contract, where: "materials" | "attestation"): { attachment: PolicyAttachment; path: string }[] {
  // `?.`: states written by older cairns may carry contracts without the policies block.
  return (contract.policies?.[where] ?? []).flatMap((attachment, i) => (attachment.disabled ? [] : [{ attachment, path: `policies.${where}[${i}]` }]));
}

export function selectorMatches(attachment: PolicyAttachment, materialName: string): boolean {
  const s = attachment.selector;
  if (!s) return true;
  return s.matchMode === "PREFIX" ? materialName.startsWith(s.name) : materialName === s.name;
}

/**
 * Whether a material attachment is evaluated on a material. With a selector, every selected material is evaluated
 * (a kind the policy has no rule for is recorded as skipped, which tells the contract author); without one, only
 * materials of the policy's kinds (as Chainloop does), so a JUnit policy does not show up as skipped on every SBOM.
 */
export function appliesTo(attachment: PolicyAttachment, policy: CompiledPolicy, material: { name: string; kind: string }): boolean {
  if (!selectorMatches(attachment, material.name)) return false;
  if (attachment.selector) return true;
  return policy.rules.some((r) => !r.attestation && (r.kinds.includes(material.kind) || r.kinds.includes("*")));
}

/** The engine's result as recorded: the attachment's gate (default false) and the material, if any. */
export function toEvaluation(result: PolicyResult, attachment: PolicyAttachment, material?: string): PolicyEvaluation {
  return {
    policy: result.name,
    digest: result.digest,
    ...(material !== undefined && { material }),
    inputs: result.inputs,
    violations: result.violations.map((v) => ({ rule: v.rule, message: v.message })),
    ...(result.skipped !== undefined && { skipped: result.skipped }),
    gate: attachment.gate ?? false,
  };
}

/** Replaces the evaluations of the given materials (a material added again is evaluated again). */
export function replaceMaterialEvaluations(current: PolicyEvaluation[] | undefined, materials: string[], fresh: PolicyEvaluation[]): PolicyEvaluation[] {
  const names = new Set(materials);
  return [...(current ?? []).filter((e) => e.material === undefined || !names.has(e.material)), ...fresh];
}

/** Material evaluations by material name (stable: attachment order within a material), then attestation ones. */
export function orderedEvaluations(evaluations: readonly PolicyEvaluation[]): PolicyEvaluation[] {
  const key = (e: PolicyEvaluation) => (e.material === undefined ? "\uffff" : e.material);
  return [...evaluations].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function gatedViolations(evaluations: readonly PolicyEvaluation[]): PolicyEvaluation[] {
  return evaluations.filter((e) => e.gate && e.violations.length > 0);
}

/** The predicate's policy fields. `bypass` is `push --exception-bypass-policy-check`. */
export interface PolicySummary {
  policyEvaluations: PolicyEvaluation[];
  policyEvaluationsCount: number;
  policyViolationsCount: number;
  policySkippedCount: number;
  policyHasGatedViolations: boolean;
  /** A gate was violated and not bypassed: the attestation is stored, but marked blocked. */
  policyBlocked: boolean;
  /** A gate was violated and the bypass flag downgraded it to a warning. */
  policyBypassed: boolean;
}

export function policySummary(evaluations: readonly PolicyEvaluation[], bypass: boolean): PolicySummary {
  const gated = gatedViolations(evaluations).length > 0;
  return {
    policyEvaluations: orderedEvaluations(evaluations),
    policyEvaluationsCount: evaluations.length,
    policyViolationsCount: evaluations.reduce((n, e) => n + e.violations.length, 0),
    policySkippedCount: evaluations.filter((e) => e.skipped !== undefined).length,
    policyHasGatedViolations: gated,
    policyBlocked: gated && !bypass,
    policyBypassed: gated && bypass,
  };
}

/** Whether the predicate carries a policy block: the contract attaches policies, or something was evaluated. */
export function hasPolicies(contract: Contract, evaluations: readonly PolicyEvaluation[] | undefined): boolean {
  return (evaluations?.length ?? 0) > 0 || activeAttachments(contract, "materials").length + activeAttachments(contract, "attestation").length > 0;
}

/** One line per violation, for the gate error, the bypass warning and `check`. */
export function violationLines(evaluations: readonly PolicyEvaluation[]): string[] {
  return evaluations.flatMap((e) =>
    e.violations.map((v) => `${e.material ?? "attestation"}: ${e.policy}${e.gate ? " (gate)" : ""}: ${v.rule}: ${v.message}`),
  );
}
