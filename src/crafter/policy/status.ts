/**
 * The policy status of an attestation, read from its statement's predicate (policyEvaluations and the flags and counts
 * the crafting flow records). Pure: the run service stores the verdict when the attestation is recorded, and the web
 * view renders the full status. Attestations made before policies, or without attached policies, carry none ("none").
 * The statement is signed data but its shape is read defensively: anything unexpected counts as absent.
 */

export interface EvaluationView {
  policy: string;
  material?: string;
  violations: { rule: string; message: string }[];
  skipped?: string;
  gate: boolean;
}

export interface PolicyStatus {
  evaluations: EvaluationView[];
  violations: number;
  blocked: boolean;
  bypassed: boolean;
}

/** The one-word verdict: what workflow_runs.policy_status stores for an attested run. */
export const POLICY_VERDICTS = ["passed", "violations", "blocked", "bypassed", "none"] as const;
export type PolicyVerdict = (typeof POLICY_VERDICTS)[number];

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The status, or undefined when the predicate records no policy at all (no evaluations, not blocked, not bypassed). */
export function readPolicyStatus(statement: unknown): PolicyStatus | undefined {
  const predicate = (statement as { predicate?: Record<string, unknown> } | null)?.predicate;
  if (!predicate || typeof predicate !== "object") return undefined;
  const blocked = predicate.policyBlocked === true;
  const bypassed = predicate.policyBypassed === true;
  if (!Array.isArray(predicate.policyEvaluations) && !blocked && !bypassed) return undefined;
  const raw: unknown[] = Array.isArray(predicate.policyEvaluations) ? predicate.policyEvaluations : [];
  const evaluations = raw.filter((e): e is Record<string, unknown> => !!e && typeof e === "object").map(toEvaluation);
  const counted = evaluations.reduce((n, e) => n + e.violations.length, 0);
  return {
    evaluations,
    violations: typeof predicate.policyViolationsCount === "number" ? predicate.policyViolationsCount : counted,
    blocked,
    bypassed,
  };
}

function toEvaluation(e: Record<string, unknown>): EvaluationView {
  const violations = Array.isArray(e.violations)
    ? e.violations.map((v: { rule?: unknown; message?: unknown } | null) => ({ rule: str(v?.rule) ?? "", message: str(v?.message) ?? "" }))
    : [];
  return { policy: str(e.policy) ?? "", material: str(e.material), violations, skipped: str(e.skipped), gate: e.gate === true };
}

/**
 * Blocked and bypassed come from the predicate's flags first, so the verdict always agrees with the run state the
 * same flags give (policyBlocked → run `blocked`), whatever the evaluations list holds.
 */
export function policyVerdict(status: PolicyStatus | undefined): PolicyVerdict {
  if (!status) return "none";
  if (status.blocked) return "blocked";
  if (status.bypassed) return "bypassed";
  if (status.evaluations.length === 0) return "none";
  return status.violations > 0 ? "violations" : "passed";
}

/** The verdict of a statement (what recordAttestation stores). */
export function statementVerdict(statement: unknown): PolicyVerdict {
  return policyVerdict(readPolicyStatus(statement));
}

/** The state of a run recorded with this statement: `blocked` when its predicate says a policy gate blocked it. */
export function attestedRunState(statement: { predicate?: Record<string, unknown> }): "succeeded" | "blocked" {
  return statement.predicate?.policyBlocked === true ? "blocked" : "succeeded";
}
