import { listAudit, type AuditView } from "../../services/control/audit.ts";
import { forbidden, roleAtLeast } from "../../services/control/roles.ts";
import { when } from "./format.ts";
import { href, html, type Html } from "./html.ts";
import type { View } from "./index.ts";

/** `GET /audit?actor&action&outcome&since&next`: the organization's audit trail, newest first (maintainers and admins). */
export async function auditPage({ deps, principal }: View, url: URL): Promise<{ title: string; body: Html }> {
  if (!roleAtLeast(principal.role, "maintainer")) throw forbidden("the audit trail", "maintainer", principal.role);
  const q = url.searchParams;
  const filters = { actor: q.get("actor") || undefined, action: q.get("action") || undefined, outcome: q.get("outcome") || undefined, since: q.get("since") || undefined };
  const page = await listAudit(deps, { ...filters, next: q.get("next") || undefined });
  const now = deps.clock.now();
  const rows = page.items.map((e) => row(e, now));
  const more = page.next ? html`<p><a id="audit-next" href="${href(["audit"], { ...filters, next: page.next })}">Older events</a></p>` : "";
  return {
    title: "Audit",
    body: html`<h1>Audit trail</h1>
<section>${form(filters)}
<p class="muted">Every state-changing request to the API and every refusal, newest first. Rows are never changed or deleted.</p>
${rows.length ? html`<table id="audit"><thead><tr><th>Time</th><th>Actor</th><th>Role</th><th>Action</th><th>Target</th><th>Outcome</th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="muted">No events match.</p>`}
${more}</section>`,
  };
}

function row(e: AuditView, now: Date): Html {
  const refused = e.outcome !== "ok";
  return html`<tr data-action="${e.action}" data-outcome="${refused ? "refused" : "ok"}"><td>${when(e.at, now)}</td><td>${e.actor}</td><td>${e.role ?? ""}</td>
<td><code>${e.action}</code></td><td>${e.target}</td><td>${refused ? html`<span class="badge s-failing">${e.outcome}</span>` : html`<span class="badge s-passing">ok</span>`}</td></tr>`;
}

function form(f: { actor?: string; action?: string; outcome?: string; since?: string }): Html {
  const option = (value: string, label: string) => html`<option value="${value}"${f.outcome === value ? html` selected` : ""}>${label}</option>`;
  return html`<form class="inline" method="get" action="/audit">
<label>actor <input type="text" name="actor" value="${f.actor ?? ""}" placeholder="token name"></label>
<label>action <input type="text" name="action" value="${f.action ?? ""}" placeholder="contract.*"></label>
<label>outcome <select name="outcome">${option("", "any")}${option("ok", "ok")}${option("refused", "refused")}</select></label>
<label>since <input type="text" name="since" value="${f.since ?? ""}" placeholder="24h or 2026-12-01"></label>
<button class="primary" type="submit">Filter</button></form>`;
}
