/**
 * Policy status of a run, read from its stored statement's predicate (policyEvaluations and the counts the crafting
 * flow records). Attestations made before policies, or without attached policies, carry none: then nothing is shown
 * on the run page and the dashboard says "none". The statement is signed data but its shape is read defensively:
 * anything unexpected counts as absent rather than failing the page.
 */
import { html, type Html } from "./html.ts";

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

/** The dashboard's one-word verdict. */
export type PolicyVerdict = "none" | "passed" | "violations" | "blocked" | "bypassed";

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function readPolicyStatus(statement: unknown): PolicyStatus | undefined {
  const predicate = (statement as { predicate?: Record<string, unknown> } | null)?.predicate;
  if (!predicate || typeof predicate !== "object" || !Array.isArray(predicate.policyEvaluations)) return undefined;
  const evaluations = predicate.policyEvaluations.filter((e): e is Record<string, unknown> => !!e && typeof e === "object").map(toEvaluation);
  const counted = evaluations.reduce((n, e) => n + e.violations.length, 0);
  return {
    evaluations,
    violations: typeof predicate.policyViolationsCount === "number" ? predicate.policyViolationsCount : counted,
    blocked: predicate.policyBlocked === true,
    bypassed: predicate.policyBypassed === true,
  };
}

function toEvaluation(e: Record<string, unknown>): EvaluationView {
  const violations = Array.isArray(e.violations)
    ? e.violations.map((v: { rule?: unknown; message?: unknown } | null) => ({ rule: str(v?.rule) ?? "", message: str(v?.message) ?? "" }))
    : [];
  return { policy: str(e.policy) ?? "", material: str(e.material), violations, skipped: str(e.skipped), gate: e.gate === true };
}

export function policyVerdict(status: PolicyStatus | undefined): PolicyVerdict {
  if (!status || status.evaluations.length === 0) return "none";
  if (status.blocked) return "blocked";
  if (status.bypassed) return "bypassed";
  return status.violations > 0 ? "violations" : "passed";
}

// Badge colours reuse the compliance palette: passed = passing, violations = stale, bypassed = behind, blocked = failing.
const VERDICT_CLASS: Record<PolicyVerdict, string> = { none: "s-never_run", passed: "s-passing", violations: "s-stale", bypassed: "s-behind", blocked: "s-failing" };

export function policyBadge(status: PolicyStatus | undefined): Html {
  const verdict = policyVerdict(status);
  const n = status?.violations ?? 0;
  const label = verdict === "violations" ? `${n} violation${n === 1 ? "" : "s"}` : verdict;
  return html`<span class="badge ${VERDICT_CLASS[verdict]}" data-policy="${verdict}">${label}</span>`;
}

/** The run page's Policies section: a banner when blocked or bypassed, then one row per evaluation. */
export function renderPolicies(status: PolicyStatus | undefined): Html | "" {
  if (!status) return "";
  const banner = status.blocked
    ? html`<p class="notice bad" id="policy-banner"><strong>Blocked:</strong> a gated policy is violated. The attestation is stored, marked blocked.</p>`
    : status.bypassed
      ? html`<p class="notice" id="policy-banner"><strong>Bypassed:</strong> a gated policy is violated; the check was bypassed with <code>--exception-bypass-policy-check</code>.</p>`
      : "";
  const rows = status.evaluations.map(evaluationRow);
  const table = rows.length
    ? html`<table id="policies"><thead><tr><th>Material</th><th>Policy</th><th>Gate</th><th>Result</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="muted">No policy was evaluated.</p>`;
  return html`<section><h2>Policies ${policyBadge(status)}</h2>${banner}${table}</section>`;
}

function evaluationRow(e: EvaluationView): Html {
  const result =
    e.skipped !== undefined
      ? html`<span class="muted">skipped: ${e.skipped}</span>`
      : e.violations.length === 0
        ? html`<span class="badge s-passing">passed</span>`
        : html`<ul>${e.violations.map((v) => html`<li><code>${v.rule}</code>: ${v.message}</li>`)}</ul>`;
  return html`<tr data-policy="${e.policy}"><td>${e.material ?? html`<span class="muted">attestation</span>`}</td><td>${e.policy}</td>
<td>${e.gate ? "gate" : html`<span class="muted">no</span>`}</td><td>${result}</td></tr>`;
}
