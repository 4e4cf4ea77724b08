/**
 * The policy status of a run as the web view shows it: badges and the run page's Policies section. Reading the
 * status from the statement, and the one-word verdict, are pure (src/crafter/policy/status.ts), shared with the
 * run service, which stores the verdict when the attestation is recorded.
 */
import { policyVerdict, type EvaluationView, type PolicyStatus, type PolicyVerdict } from "../../crafter/policy/status.ts";
import { html, type Html } from "./html.ts";

export { readPolicyStatus, type PolicyStatus, type PolicyVerdict } from "../../crafter/policy/status.ts";

// Badge colours reuse the compliance palette: passed = passing, violations = stale, bypassed = behind, blocked = blocked.
const VERDICT_CLASS: Record<PolicyVerdict, string> = { none: "s-never_run", passed: "s-passing", violations: "s-stale", bypassed: "s-behind", blocked: "s-blocked" };

export function policyBadge(status: PolicyStatus | undefined): Html {
  const verdict = policyVerdict(status);
  const n = status?.violations ?? 0;
  const label = verdict === "violations" ? `${n} violation${n === 1 ? "" : "s"}` : verdict;
  return html`<span class="badge ${VERDICT_CLASS[verdict]}" data-policy="${verdict}">${label}</span>`;
}

/** A run's stored verdict (run lists): its badge, `unknown` for attestations recorded before verdicts were stored. */
export function verdictBadge(verdict: PolicyVerdict | "unknown" | null): Html {
  if (verdict === null) return html`<span class="muted">—</span>`;
  const cls = verdict === "unknown" ? "s-never_run" : VERDICT_CLASS[verdict];
  return html`<span class="badge ${cls}" data-policy="${verdict}">${verdict}</span>`;
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
