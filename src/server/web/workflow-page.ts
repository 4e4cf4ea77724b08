// The per-workflow page, /workflows/{project}/{name}: the workflow and its run history, newest first, paged.
import { listRuns, type RunSummary } from "../../services/control/runs.ts";
import { describeWorkflow, type WorkflowDetail } from "../../services/control/workflows.ts";
import type { ServiceDeps } from "../../services/deps.ts";
import type { Page } from "../../services/pagination.ts";
import type { Scope } from "../../store/ports.ts";
import { runBadge, when } from "./format.ts";
import { href, html, type Html } from "./html.ts";
import { verdictBadge } from "./policy-status.ts";

/** Runs per page of the history. */
export const HISTORY_PAGE = 25;

export interface WorkflowHistory {
  workflow: WorkflowDetail;
  runs: Page<RunSummary>;
  /** The cursor this page was asked with (absent on the first page). */
  after?: string;
}

/**
 * The workflow (NOT_FOUND, the same error whether it does not exist or is outside the scope) and one page of its
 * runs from listRuns. The scope is the session's, narrowed to this workflow's id: runs of an earlier, deleted
 * workflow of the same name are not this workflow's history.
 */
export async function workflowHistory(deps: ServiceDeps, input: { project: string; name: string; next?: string; scope?: Scope }): Promise<WorkflowHistory> {
  const workflow = await describeWorkflow(deps, { name: input.name, project: input.project, scope: input.scope });
  const scope: Scope = { ...input.scope, workflowId: workflow.id };
  const runs = await listRuns(deps, { workflow: input.name, project: input.project, limit: HISTORY_PAGE, next: input.next, scope });
  return { workflow, runs, ...(input.next !== undefined && { after: input.next }) };
}

/** `GET /workflows/{project}/{name}?next=`: `scope` is the session's (undefined: organization-wide). */
export async function workflowPage(deps: ServiceDeps, url: URL, project: string, name: string, scope: Scope | undefined): Promise<{ title: string; body: Html }> {
  const next = url.searchParams.get("next") || undefined;
  const history = await workflowHistory(deps, { project, name, next, scope });
  return { title: `Workflow ${project}/${name}`, body: renderWorkflow(history, deps.clock.now()) };
}

export function renderWorkflow({ workflow: w, runs, after }: WorkflowHistory, now: Date): Html {
  const self = ["workflows", w.project, w.name];
  const rows = runs.items.map((r) => runRow(r, now));
  const table = rows.length
    ? html`<table id="runs"><thead><tr><th>Run</th><th>State</th><th>Policy</th><th>Contract (used / latest)</th><th>Created</th><th>Finished</th><th>Pushed by</th></tr></thead>
<tbody>${rows}</tbody></table>`
    : html`<p class="muted">${after ? "No more runs." : "No runs yet."}</p>`;
  const paging = [
    after ? html`<a href="${href(self)}" id="first-page">newest runs</a>` : "",
    runs.next ? html`<a href="${href(self, { next: runs.next })}" id="next-page">next page</a>` : "",
  ].filter((p) => p !== "");
  return html`<h1>Workflow ${w.project} / <strong>${w.name}</strong></h1>
<section><dl class="facts">
<dt>Team</dt><dd>${w.team ?? html`<span class="muted">no team</span>`}</dd>
${w.description ? html`<dt>Description</dt><dd>${w.description}</dd>` : ""}
<dt>Contract</dt><dd><a href="${href(["contracts", w.contractName])}">${w.contractName}</a> <span class="muted">latest revision ${w.contractLatestRevision}</span></dd>
<dt>Runs</dt><dd>${w.runsCount}</dd>
<dt>Created</dt><dd>${when(w.createdAt, now)} by ${w.createdBy ?? html`<span class="muted">unknown</span>`}${w.implicit ? html` <span class="badge s-behind implicit">implicitly, by att init</span>` : ""}</dd>
</dl></section>
<section><h2>Run history</h2>${table}${paging.length ? html`<p class="paging">${paging.map((p, i) => html`${i ? " · " : ""}${p}`)}</p>` : ""}</section>`;
}

/** Who pushed: the token's name on `cairn serve`; "local" for an attestation pushed into a local store (or before this was recorded). */
function pusher(r: RunSummary): Html | string {
  if (r.pushedBy !== null) return r.pushedBy;
  return r.attestationDigest ? html`<span class="muted">local</span>` : html`<span class="muted">—</span>`;
}

function runRow(r: RunSummary, now: Date): Html {
  return html`<tr data-run="${r.id}" data-state="${r.state}"><td><a class="digest" href="${href(["runs", r.id])}">${r.id}</a></td>
<td>${runBadge(r.state)}${r.reason ? html`<div class="muted">${r.reason}</div>` : ""}</td>
<td>${verdictBadge(r.policyStatus)}</td>
<td>rev ${r.contractRevisionUsed} / ${r.contractRevisionLatest}</td>
<td>${when(r.createdAt, now)}</td><td>${when(r.finishedAt, now)}</td>
<td>${pusher(r)}</td></tr>`;
}
