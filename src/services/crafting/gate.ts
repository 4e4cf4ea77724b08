/**
 * Policy gates at `push`, after the attestation is stored (as Chainloop: the evidence is never lost, the run is marked).
 * The verdict is read back from the pushed statement's predicate, so a repeated push that finds the attestation
 * already stored reaches the same verdict.
 */
import { CairnError } from "../../errors.ts";
import { gatedViolations, violationLines } from "../../crafter/policy/attach.ts";
import type { Statement } from "../../crafter/statement.ts";
import type { PolicyEvaluation } from "../../crafter/state/types.ts";
import type { Reporter } from "../deps.ts";

export function predicateEvaluations(statement: Pick<Statement, "predicate">): PolicyEvaluation[] {
  const e = statement.predicate.policyEvaluations;
  return Array.isArray(e) ? (e as PolicyEvaluation[]) : [];
}

/** The run's `reason` for a stored attestation whose gate was violated (workflow run list/describe show it). */
export function policyRunReason(statement: Pick<Statement, "predicate">): string | null {
  const n = gatedViolations(predicateEvaluations(statement)).reduce((k, e) => k + e.violations.length, 0);
  if (statement.predicate.policyBlocked === true) return `blocked: ${n} gated policy violation${n === 1 ? "" : "s"}`;
  if (statement.predicate.policyBypassed === true) return `policy gate bypassed (${n} gated violation${n === 1 ? "" : "s"})`;
  return null;
}

export interface Pushed {
  digest: string;
  dryRun: boolean;
  runId?: string;
  statement: Statement;
}

/**
 * Raises POLICY_GATE (exit 4) when the pushed attestation is blocked, naming every violation; with the bypass the
 * gated violations are warnings. Attestation-level violations that are not gated are warned about too (material
 * ones were warned about at `add`).
 */
export function enforceGate(reporter: Reporter, pushed: Pushed): void {
  const evaluations = predicateEvaluations(pushed.statement);
  const gated = gatedViolations(evaluations);
  for (const line of violationLines(evaluations.filter((e) => e.material === undefined && !e.gate))) reporter.warn(`policy violation: ${line}`);
  if (pushed.statement.predicate.policyBypassed === true) {
    for (const line of violationLines(gated)) reporter.warn(`policy gate bypassed (--exception-bypass-policy-check): ${line}`);
    return;
  }
  if (pushed.statement.predicate.policyBlocked !== true) return;
  const lines = violationLines(gated);
  const where = pushed.dryRun ? "dry-run: nothing was stored, but the attestation would be blocked" : `attestation ${pushed.digest} was stored${pushed.runId ? ` (run ${pushed.runId})` : ""} and marked blocked`;
  throw new CairnError("POLICY_GATE", `${where}: ${lines.length} gated policy violation${lines.length === 1 ? "" : "s"}:\n  ${lines.join("\n  ")}`, {
    hint: "fix the evidence and attest again, or push with --exception-bypass-policy-check (the bypass is recorded in the attestation)",
    details: { digest: pushed.dryRun ? undefined : pushed.digest, runId: pushed.runId, violations: gated },
  });
}
