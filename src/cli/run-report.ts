/**
 * `workflow run describe` as a report in sections (run, contract, signer, materials, policy verdicts, annotations,
 * runner and env, git HEAD, SLSA provenance), each line cut to the width with `…` unless `full`. Pure: RunDetail in.
 */
import type { MaterialView, RunDetail, RunSummary } from "../services/control/runs.ts";
import { fit, oneLine, pad, renderSections, REPORT_WIDTH, Section, textWidth } from "./report-text.ts";
import { shortDigest } from "../crafter/short-digest.ts";

export interface RunReportOptions {
  /** Columns per line (default 100); see reportWidth. */
  width?: number;
  /** Full digests and values: lines may then be longer than the width. */
  full?: boolean;
}

interface Evaluation {
  policy?: string;
  material?: string;
  violations?: unknown[];
  skipped?: string;
  gate?: boolean;
}
interface Predicate {
  runner?: { type?: string; url?: string };
  env?: Record<string, string>;
  annotations?: Record<string, string>;
  policyEvaluations?: Evaluation[];
}
interface Subject {
  name?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function renderRunReport(d: RunDetail, opts: RunReportOptions = {}): string {
  const width = opts.width ?? REPORT_WIDTH;
  const full = opts.full ?? false;
  const section = (heading: string) => new Section(heading, width, full);
  const statement = (d.attestation?.statement ?? {}) as { predicate?: Predicate; subject?: Subject[] };
  const predicate = statement.predicate ?? {};
  const r = d.run;

  const run = section("Run")
    .field("ID", r.id)
    .field("Workflow", `${r.project}/${r.workflow}`)
    .field("State", stateText(r))
    .field("Policy status", r.policyStatus)
    .field("Attestation", r.attestationDigest && shortDigest(r.attestationDigest, full))
    .field("Pushed by", r.attestationDigest ? (r.pushedBy ?? "local") : undefined)
    .field("Created", r.createdAt)
    .field("Finished", r.finishedAt);

  const behind = r.contractRevisionLatest - r.contractRevisionUsed;
  const contract = section("Contract")
    .field("Name", r.contractName)
    .field("Revision", `${r.contractRevisionUsed} used / ${r.contractRevisionLatest} latest`)
    .field("Status", behind > 0 ? `behind by ${behind} revision${behind === 1 ? "" : "s"}` : "up to date");

  const signer = section("Signer");
  if (d.verification) {
    const s = d.verification.signer;
    signer.field("Signature", "verified");
    if (s.kind === "key") signer.field("Key", s.keyId);
    else {
      signer.field("Identity", s.san || "(no SAN)").field("Issuer", s.issuer ?? "none").field("CA", s.caSubject).field("Root", s.root);
      signer.field("Valid", `${iso(s.notBefore)} to ${iso(s.notAfter)}`);
    }
    for (const t of d.verification.timestamps) signer.field("Timestamp", `${iso(t.time)} ${t.source} ${t.authority}`);
  }

  const materials = section("Materials");
  materialLines(d.attestation?.materials ?? [], materials, full);

  const policies = section("Policy verdicts");
  for (const e of predicate.policyEvaluations ?? []) {
    const n = e.violations?.length ?? 0;
    const verdict = e.skipped !== undefined ? `skipped (${e.skipped})` : `${n} violation${n === 1 ? "" : "s"}`;
    policies.line(`${e.policy ?? "?"} on ${e.material ?? "the attestation"}: ${verdict}, ${e.gate ? "gate" : "no gate"}`);
  }

  const annotations = section("Annotations");
  for (const [k, v] of sorted(predicate.annotations)) annotations.line(`${k}=${v}`);

  const runner = section("Runner and env")
    .field("Type", predicate.runner?.type ?? r.runnerType)
    .field("URL", predicate.runner?.url ?? r.runnerUrl);
  for (const [k, v] of sorted(predicate.env)) runner.line(`${k}=${v}`, 4);

  const git = section("Git HEAD");
  const head = (statement.subject ?? []).find((s) => s.name === "git.head");
  if (head) {
    const commit = Object.values(head.digest ?? {})[0] ?? "";
    const a = head.annotations ?? {};
    git.field("Commit", full ? commit : commit.slice(0, 12));
    git.field("Author", [a["author.name"], a["author.email"] && `<${a["author.email"]}>`].filter(Boolean).join(" "));
    git.field("Date", a.date);
    git.field("Message", (a.message ?? "").split("\n")[0]);
  }

  const slsa = section("SLSA provenance");
  if (d.provenance) slsa.field("Digest", shortDigest(d.provenance.digest, full)).field("Created", d.provenance.createdAt);

  return renderSections([run, contract, signer, materials, policies, annotations, runner, git, slsa]);
}

/** "failed (smoke tests failed)"; a reason that already starts with the state stands alone ("blocked: 1 gated …"). */
function stateText(r: RunSummary): string {
  if (!r.reason) return r.state;
  return r.reason.startsWith(`${r.state}:`) ? r.reason : `${r.state} (${r.reason})`;
}

/** One line per material (name, kind, digest, value), then its annotations indented below it. */
function materialLines(materials: MaterialView[], out: Section, full: boolean): void {
  const col = (values: string[], cap: number) => Math.min(cap, Math.max(0, ...values.map(textWidth)));
  const nameW = full ? col(materials.map((m) => m.name), Infinity) : col(materials.map((m) => m.name), 24);
  const kindW = full ? col(materials.map((m) => m.kind), Infinity) : col(materials.map((m) => m.kind), 22);
  for (const m of materials) {
    const name = full ? m.name : fit(m.name, nameW);
    out.line(`${pad(name, nameW)}  ${pad(m.kind, kindW)}  ${pad(shortDigest(m.digest, full), 16)}  ${oneLine(m.value)}`);
    for (const [k, v] of sorted(m.annotations)) out.line(`${k}=${v}`, 4);
  }
}

/** Dates arrive as strings through `cairn serve` (JSON). */
function iso(t: Date | string): string {
  return new Date(t).toISOString();
}

function sorted(o: Record<string, string> | undefined): [string, string][] {
  return Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
