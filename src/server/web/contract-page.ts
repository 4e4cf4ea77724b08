import { diffLines } from "diff";
import { changeLine, diffContracts, type ContractChanges } from "../../crafter/contract/diff.ts";
import { CairnError } from "../../errors.ts";
import type { ContractDetail } from "../../services/control/contracts.ts";
import { parseContractText } from "../../services/contracts.ts";
import { when } from "./format.ts";
import { href, html, type Html } from "./html.ts";

/** A revision number from the query string (`revision`, `from`, `to`), or undefined when absent. */
export function parseRevision(value: string | null, param: string): number | undefined {
  if (value === null || value === "") return undefined;
  if (!/^[1-9]\d{0,8}$/.test(value)) {
    throw new CairnError("USAGE", `${param}=${JSON.stringify(value)} is not a revision number`, { hint: "revisions are whole numbers from 1, as listed in the history" });
  }
  return Number(value);
}

export interface ContractPageData {
  /** The revision shown (or the diff's target). */
  shown: ContractDetail;
  /** With `?from=A&to=B`: revision A, diffed against `shown` (B). */
  from?: ContractDetail;
  /** With `from`: what changed from it to `shown`, as `semanticChanges` finds. */
  changes?: ContractChanges;
}

/** The semantic diff of two stored revisions (their bodies parse: they were validated when stored). */
export function semanticChanges(a: ContractDetail, b: ContractDetail): ContractChanges {
  const parse = (d: ContractDetail) => parseContractText(d.body, `contract ${d.name} revision ${d.revision}`).contract;
  return diffContracts(parse(a), parse(b));
}

export function renderContract({ shown, from, changes }: ContractPageData, now: Date): Html {
  const c = shown;
  const history = [...c.revisions].reverse().map(
    (r) => html`<tr data-revision="${r.revision}"><td><a href="${href(["contracts", c.name], { revision: r.revision })}">revision ${r.revision}</a>${r.revision === c.latestRevision ? html` <span class="badge s-passing">latest</span>` : ""}</td>
<td>${when(r.createdAt, now)}</td><td>${r.createdBy ?? html`<span class="muted">unknown</span>`}</td><td><code class="digest">${r.digest}</code></td>
<td>${r.revision > 1 ? html`<a href="${href(["contracts", c.name], { from: r.revision - 1, to: r.revision })}">diff with ${r.revision - 1}</a>` : ""}</td></tr>`,
  );
  const options = (selected: number) => c.revisions.map((r) => html`<option value="${r.revision}"${r.revision === selected ? html` selected` : ""}>${r.revision}</option>`);
  const compare = html`<form class="inline" method="get" action="${href(["contracts", c.name])}">
<label>from <select name="from">${options(from?.revision ?? Math.max(1, c.latestRevision - 1))}</select></label>
<label>to <select name="to">${options(c.revision)}</select></label><button class="primary" type="submit">Compare</button></form>`;
  const used = c.workflows.map((w) => html`<li>${w.project}/${w.name}</li>`);
  return html`<h1>Contract ${c.name}</h1>
<section><dl class="facts"><dt>Description</dt><dd>${c.description ?? html`<span class="muted">none</span>`}</dd>
<dt>Latest revision</dt><dd>${c.latestRevision}</dd>
<dt>Used by</dt><dd>${used.length ? html`<ul>${used}</ul>` : html`<span class="muted">no live workflow</span>`}</dd></dl></section>
<section><h2>Revision history</h2><table><thead><tr><th>Revision</th><th>Created</th><th>By</th><th>Digest</th><th></th></tr></thead><tbody>${history}</tbody></table>
<h3>Compare revisions</h3>${compare}</section>
${from ? renderDiff(from, c, changes ?? []) : html`<section><h2>Revision ${c.revision} <span class="muted">(${c.format})</span></h2><pre id="contract-body">${c.body}</pre></section>`}`;
}

/** What changed for the workflows (semantic), beside a line diff of the stored bodies (as written, comments included). */
function renderDiff(a: ContractDetail, b: ContractDetail, changes: ContractChanges): Html {
  const parts = diffLines(a.body, b.body);
  const lines = parts.flatMap((p) => {
    const cls = p.added ? "add" : p.removed ? "del" : "same";
    return p.value.replace(/\n$/, "").split("\n").map((line) => html`<div class="${cls}">${line}</div>`);
  });
  const changed = parts.some((p) => p.added || p.removed);
  const semantic = changes.map((ch) => {
    const line = changeLine(ch);
    return html`<li class="${line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "mod"}" data-change="${ch.change}">${line.slice(2)}</li>`;
  });
  return html`<section><h2>Diff: revision ${a.revision} → ${b.revision}</h2><div class="diff-pair">
<div><h3>What changed</h3>${semantic.length ? html`<ul class="changes" id="changes">${semantic}</ul>` : html`<p class="muted" id="changes">No change for the workflows using it.</p>`}
<p class="muted">Revision ${b.revision}: ${b.createdBy ?? "unknown"}, ${b.createdAt}</p></div>
<div><h3>Text</h3>${changed ? html`<div class="diff" id="diff">${lines}</div>` : html`<p class="muted" id="diff">The two revisions have the same text.</p>`}</div></div></section>`;
}
