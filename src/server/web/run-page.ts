import type { MaterialView, RunDetail, RunVerification } from "../../services/control/runs.ts";
import { shortDigest } from "../../crafter/short-digest.ts";
import { runBadge, when } from "./format.ts";
import { externalLink, href, html, type Html } from "./html.ts";
import { readPolicyStatus, renderPolicies } from "./policy-status.ts";

/** What the run page says about the signature. */
export type Verification =
  /** keyName: the registered name of the organization's key that verified it (`cairn org key add --name`). */
  | { kind: "verified"; result: RunVerification; keyName?: string }
  | { kind: "failed"; message: string }
  | { kind: "no-keys" }
  | { kind: "no-attestation" };

export interface RunPageData {
  detail: RunDetail;
  verification: Verification;
  /** Material digests whose content is in the CAS (the others are recorded by digest only). */
  downloadable: ReadonlySet<string>;
}

export function downloadHref(digest: string, runId: string): string {
  return href(["download", digest], { run: runId });
}

export function renderRun({ detail, verification, downloadable }: RunPageData, now: Date): Html {
  const r = detail.run;
  const a = detail.attestation;
  return html`<h1>Run <code>${r.id}</code> ${runBadge(r.state)}</h1>
<section><dl class="facts">
<dt>Workflow</dt><dd>${r.project} / <strong>${r.workflow}</strong></dd>
<dt>Contract</dt><dd><a href="${href(["contracts", r.contractName])}">${r.contractName}</a> revision ${r.contractRevisionUsed} <span class="muted">(latest when the run started: ${r.contractRevisionLatest})</span></dd>
<dt>Started</dt><dd>${when(r.createdAt, now)}</dd>
<dt>Finished</dt><dd>${when(r.finishedAt, now)}</dd>
${r.reason ? html`<dt>Reason</dt><dd>${r.reason}</dd>` : ""}
<dt>Runner</dt><dd>${r.runnerType} ${externalLink(r.runnerUrl)}</dd>
${a ? html`<dt>Attestation</dt><dd>${digestLink(a.digest)} · <a href="${downloadHref(a.digest, r.id)}">download bundle</a></dd>
<dt>Pushed by</dt><dd>${r.pushedBy ?? html`<span class="muted">local</span>`}</dd>` : ""}
</dl></section>
${renderVerification(verification)}
${a ? renderPolicies(readPolicyStatus(a.statement)) : ""}
${a ? renderAttestation(a, r.id, downloadable) : html`<section><p class="muted">This run has no attestation: only succeeded and blocked runs have one.</p></section>`}`;
}

function renderVerification(v: Verification): Html {
  switch (v.kind) {
    case "verified":
      return html`<section class="notice good" id="verification"><strong>Signature verified</strong> ${signerLine(v.result, v.keyName)}</section>`;
    case "failed":
      return html`<section class="notice bad" id="verification"><strong>Verification failed:</strong> ${v.message}</section>`;
    case "no-keys":
      return html`<section class="notice" id="verification"><strong>Not verified:</strong> no registered keys and no trusted roots. Register the signing key with <code>cairn org key add</code>, or create the server's CA with <code>cairn ca init</code>.</section>`;
    case "no-attestation":
      return html`<section class="notice" id="verification"><strong>Not verified:</strong> nothing to verify (no attestation).</section>`;
  }
}

/** Who signed: the organization's key, or a certificate identity with its issuer, CA and root; and every verified time. */
function signerLine(r: RunVerification, keyName: string | undefined): Html {
  const s = r.signer;
  const times = r.timestamps.map((t) => html` <span class="muted">Timestamp ${t.time instanceof Date ? t.time.toISOString() : String(t.time)} from ${t.authority}.</span>`);
  if (s.kind === "key") {
    const id = html`<code id="signer-key-id">${s.keyId}</code>`;
    return keyName ? html`with the organization's key <strong id="signer-key">${keyName}</strong> <span class="muted">(key id ${id})</span>.${times}` : html`with the organization's key ${id}.${times}`;
  }
  return html`by <code id="signer-identity">${s.san || "(no SAN)"}</code> (OIDC issuer <code>${s.issuer ?? "none"}</code>), certificate from <code>${s.caSubject}</code> in trusted root <code>${s.root}</code>.${times}`;
}

function renderAttestation(a: NonNullable<RunDetail["attestation"]>, runId: string, downloadable: ReadonlySet<string>): Html {
  const materials = a.materials.length
    ? html`<table id="materials" class="materials"><thead><tr><th>Name</th><th>Kind</th><th>Value</th><th>Digest</th><th>Annotations</th><th></th></tr></thead>
<tbody>${a.materials.map((m) => materialRow(m, runId, downloadable))}</tbody></table>`
    : html`<p class="muted">No materials.</p>`;
  const subjects = a.subjects.map(
    (s) => html`<li>${s.name ?? html`<span class="muted">unnamed</span>`}: ${Object.entries(s.digest).map(([k, v]) => html`<code class="digest" title="${k}:${v}">${shortDigest(`${k}:${v}`)}</code> `)}</li>`,
  );
  return html`<section><h2>Materials</h2>${materials}</section>
<section><h2>Subjects</h2><ul>${subjects}</ul><p class="muted">Predicate type <code>${a.predicateType}</code>, payload <code>${a.payloadType}</code></p></section>
<section><h2>Statement</h2><pre id="statement">${JSON.stringify(a.statement, null, 2)}</pre></section>`;
}

function materialRow(m: MaterialView, runId: string, downloadable: ReadonlySet<string>): Html {
  const annotations = Object.entries(m.annotations);
  return html`<tr data-material="${m.name}"><td><strong>${m.name}</strong></td><td><span class="kind">${m.kind}</span></td><td>${m.value}</td>
<td>${m.digest ? digestLink(m.digest) : ""}</td>
<td>${annotations.length ? html`<dl class="facts">${annotations.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>` : html`<span class="muted">none</span>`}</td>
<td>${downloadable.has(m.digest) ? html`<a href="${downloadHref(m.digest, runId)}">download</a>` : html`<span class="muted">digest only</span>`}</td></tr>`;
}

/** A digest, short, linking to what refers to it; the full value in its title. */
function digestLink(digest: string): Html {
  return html`<a class="digest" href="${href(["discover"], { digest })}" title="${digest}">${shortDigest(digest)}</a>`;
}
