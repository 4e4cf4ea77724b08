import type { DiscoverNode, DiscoverResult } from "../../services/control/discover.ts";
import { runBadge } from "./format.ts";
import { href, html, type Html } from "./html.ts";
import { verdictBadge } from "./policy-status.ts";

export function discoverForm(digest = ""): Html {
  return html`<h1>Discover</h1>
<section><form class="inline" method="get" action="/discover">
<input type="text" name="digest" value="${digest}" placeholder="sha256:… or sha1:… (git commit)" aria-label="digest" required>
<button class="primary" type="submit">Discover</button></form>
<p class="muted">Paste the digest of an artifact, image, attestation or commit to see what references it and what it references.</p></section>`;
}

/** The node with its neighbours as a two-branch tree; every digest links on through the graph. */
export function renderDiscover(r: DiscoverResult): Html {
  const branch = (title: string, id: string, nodes: DiscoverNode[]) =>
    html`<li><span class="muted">${title} (${nodes.length}${r.next ? "+" : ""})</span>
${nodes.length ? html`<ul class="graph" id="${id}">${nodes.map((n) => html`<li>${nodeLine(n)}</li>`)}</ul>` : html`<div class="muted">none</div>`}</li>`;
  return html`${discoverForm(r.digest)}
<section id="graph"><ul class="graph"><li>${nodeLine(r, true)}
<ul class="graph">${branch("references", "references", r.references)}${branch("referred by", "referred-by", r.referredBy)}</ul></li></ul>
${r.next ? html`<p><a href="${href(["discover"], { digest: r.digest, kind: r.kind, next: r.next })}">more neighbours</a></p>` : ""}</section>`;
}

/** Several nodes share the digest (a blob recorded under two kinds): the operator picks one. */
export function renderKindChoice(digest: string, kinds: string[]): Html {
  return html`${discoverForm(digest)}<section class="notice"><p>${digest} is recorded as several kinds; choose one:</p>
<ul>${kinds.map((k) => html`<li><a href="${href(["discover"], { digest, kind: k })}">${k}</a></li>`)}</ul></section>`;
}

function nodeLine(n: DiscoverNode, self = false): Html {
  const m = n.metadata;
  const name = m.material || m.name || (n.run ? undefined : m.workflow && `${m.project}/${m.workflow}`);
  const digest = self
    ? html`<strong class="digest">${n.digest}</strong>`
    : html`<a class="digest" href="${href(["discover"], { digest: n.digest, kind: n.kind })}">${n.digest}</a>`;
  const run = n.run
    ? html` <a href="${href(["runs", n.run.id])}">run of ${n.run.project}/${n.run.workflow}</a> ${runBadge(n.run.state)}${n.run.policyStatus && n.run.policyStatus !== "none" && n.run.policyStatus !== n.run.state ? html` ${verdictBadge(n.run.policyStatus)}` : ""}`
    : "";
  return html`<span class="node" data-kind="${n.kind}"><span class="kind">${n.kind}</span>${name ? html`<span>${name}</span>` : ""}${digest}${run}</span>`;
}
