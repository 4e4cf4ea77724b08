import { COMPLIANCE_STATES, type ComplianceReport, type ComplianceState, type WorkflowCompliance } from "../../services/control/compliance.ts";
import { CairnError } from "../../errors.ts";
import { complianceBadge, runBadge, STATE_LABELS, when } from "./format.ts";
import { href, html, type Html } from "./html.ts";
import { policyBadge, type PolicyStatus } from "./policy-status.ts";

/** Policy status by run id, for the runs the dashboard judges (absent: no attestation or no policies). */
export type RunPolicies = ReadonlyMap<string, PolicyStatus | undefined>;

/** `?state=` of the dashboard: one of the compliance states, or absent for all. */
export function parseStateFilter(value: string | null): ComplianceState | undefined {
  if (value === null || value === "") return undefined;
  if (!(COMPLIANCE_STATES as readonly string[]).includes(value)) {
    throw new CairnError("USAGE", `state=${JSON.stringify(value)} is not a compliance state`, { hint: `use one of ${COMPLIANCE_STATES.join(", ")}, or no state for all` });
  }
  return value as ComplianceState;
}

/** States whose counter turns red when any workflow is in them: a blocked run is as bad as a failing one. */
const ALERTING: ReadonlySet<ComplianceState> = new Set(["blocked", "failing"]);

export function renderDashboard(report: ComplianceReport, filter: ComplianceState | undefined, now: Date, policies: RunPolicies = new Map()): Html {
  const total = COMPLIANCE_STATES.reduce((n, s) => n + report.counts[s], 0);
  const counts = COMPLIANCE_STATES.map((s) => {
    const cls = `count${filter === s ? " selected" : ""}${ALERTING.has(s) && report.counts[s] > 0 ? " alert" : ""}`;
    return html`<a class="${cls}" href="${href([], { state: s })}" data-state="${s}">
<strong>${report.counts[s]}</strong>${complianceBadge(s)}</a>`;
  });
  const all = html`<a class="count${filter === undefined ? " selected" : ""}" href="/" data-state="all"><strong>${total}</strong>all workflows</a>`;
  const groups = report.groups.map(
    (g) => html`<section><h2>${g.project} <span class="muted">/ ${g.team ?? "no team"}</span></h2>
<table class="workflows"><thead><tr><th>Workflow</th><th>Last run</th><th>Contract (used / latest)</th><th>Compliance</th><th>Policies</th></tr></thead>
<tbody>${g.workflows.map((w) => row(w, now, policies))}</tbody></table></section>`,
  );
  const empty = filter ? `No workflow is ${STATE_LABELS[filter]}.` : "No workflows yet: create one with `cairn workflow create`.";
  return html`<h1>Compliance</h1>
<div class="counts">${counts}${all}</div>
<p class="muted">Blocked means the last run's attestation is stored but violates a policy gate. Stale means no successful run in ${report.staleDays} days. A run still in progress is judged by the finished run before it.</p>
${groups.length ? groups : html`<section><p class="muted">${empty}</p></section>`}`;
}

function row(w: WorkflowCompliance, now: Date, policies: RunPolicies): Html {
  const last = w.lastRun;
  const lastCell = last
    ? html`${runBadge(last.state)} <a href="${href(["runs", last.id])}">${when(last.createdAt, now)}</a>`
    : html`<span class="muted">no runs</span>`;
  const judged =
    w.judgedRun && last && w.judgedRun.id !== last.id
      ? html`<div class="muted">judged by the <a href="${href(["runs", w.judgedRun.id])}">${w.judgedRun.state} run</a> before</div>`
      : "";
  const used = w.judgedRun?.contractRevisionUsed;
  return html`<tr data-workflow="${w.project}/${w.name}" data-compliance="${w.state}">
<td><a href="${href(["workflows", w.project, w.name])}"><strong>${w.name}</strong></a>${w.implicit ? html` <span class="badge s-behind implicit" title="created by an attestor at att init, not by a maintainer">implicit</span>` : ""}${w.description ? html`<div class="muted">${w.description}</div>` : ""}<div class="muted">${w.runsCount} run${w.runsCount === 1 ? "" : "s"}</div></td>
<td>${lastCell}${judged}</td>
<td><a href="${href(["contracts", w.contractName])}">${w.contractName}</a> <span class="muted">rev ${used ?? "—"} / ${w.contractLatestRevision}</span></td>
<td>${complianceBadge(w.state)}<div class="muted">${w.reason}</div></td>
<td>${policyBadge(w.judgedRun ? policies.get(w.judgedRun.id) : undefined)}</td></tr>`;
}
