/**
 * The Markdown summary of a push or a status for CI job pages: GitHub's step summary (`GITHUB_STEP_SUMMARY`) or
 * `--summary FILE` (GitLab and others). Pure: data in, Markdown out; summary-file.ts writes it.
 */
import { shortDigest } from "../crafter/short-digest.ts";
import type { CraftingState, PolicyEvaluation } from "../crafter/state/types.ts";
import { predicateEvaluations } from "../services/crafting/gate.ts";
import type { PushResult } from "../services/crafting/push.ts";
import { statusView, type StatusView } from "../services/crafting/status.ts";

export interface SummaryData {
  /** What happened: "attestation pushed", "attestation in progress". */
  title: string;
  workflow: { project: string; name: string };
  contract: { name: string; revision: number; latest: number };
  materials: { name: string; kind: string; output: boolean; digest?: string }[];
  policies: PolicyEvaluation[];
  /** A violated gate: the attestation is stored but blocked, or the gate was bypassed. */
  gate?: "blocked" | "bypassed";
  attestation?: { digest: string; dryRun: boolean; storedAt?: string; runUrl?: string };
  provenance?: { digest: string; storedAt?: string };
  /** Status only: what push still needs. */
  missing?: string[];
}

/** The summary of a push, from its result and the state it pushed (the contract's latest revision, unset materials). */
export function pushSummary(r: PushResult, state: CraftingState): SummaryData {
  const p = r.statement.predicate;
  const gate = p.policyBlocked === true ? "blocked" : p.policyBypassed === true ? "bypassed" : undefined;
  return {
    title: r.dryRun ? "attestation signed (dry-run, nothing stored)" : gate === "blocked" ? "attestation pushed, blocked by a policy gate" : "attestation pushed",
    ...common(statusView(state)),
    policies: predicateEvaluations(r.statement),
    ...(gate && { gate }),
    attestation: { digest: r.digest, dryRun: r.dryRun, ...(r.storedAt && { storedAt: r.storedAt }), ...(r.runUrl && { runUrl: r.runUrl }) },
    ...(r.provenance && { provenance: { digest: r.provenance.digest, ...(r.provenance.storedAt && { storedAt: r.provenance.storedAt }) } }),
  };
}

/** The summary of `attestation status`: the attestation in progress, material verdicts so far. */
export function statusSummary(v: StatusView): SummaryData {
  const missing = [...v.missing.materials, ...v.missing.groups.map((g) => `one material of group ${g}`)];
  return { title: "attestation in progress", ...common(v), policies: v.policyEvaluations, missing };
}

function common(v: StatusView): Pick<SummaryData, "workflow" | "contract" | "materials"> {
  const w = v.workflow;
  return {
    workflow: { project: w.project, name: w.name },
    contract: { name: w.contractName, revision: w.contractRevision, latest: w.contractRevisionLatest },
    materials: v.materials.map((m) => ({ name: m.name, kind: m.kind, output: m.output, ...(m.digest && { digest: m.digest }) })),
  };
}

export function renderSummary(d: SummaryData): string {
  const about: [string, string][] = [
    ["Workflow", cell(`${d.workflow.project}/${d.workflow.name}`)],
    ["Contract", contractCell(d.contract)],
  ];
  if (d.attestation) {
    const where = d.attestation.dryRun ? "not stored (dry-run)" : d.attestation.storedAt ? `stored at ${cell(d.attestation.storedAt)}` : "stored";
    about.push(["Attestation", `${code(d.attestation.digest)} ${where}`]);
    if (d.attestation.runUrl) about.push(["Run", `[${cell(d.attestation.runUrl)}](${linkTarget(d.attestation.runUrl)})`]);
  }
  if (d.provenance) about.push(["SLSA provenance", `${code(d.provenance.digest)}${d.provenance.storedAt ? ` stored at ${cell(d.provenance.storedAt)}` : ""}`]);
  if (d.gate) about.push(["Policy gate", d.gate === "blocked" ? "**blocked**: gated policy violations" : "bypassed (--exception-bypass-policy-check)"]);
  if (d.missing?.length) about.push(["Still required", cell(d.missing.join(", "))]);
  const out = [`### cairn: ${cell(d.title)}`, "", table(["", ""], about), "", "#### Materials", ""];
  out.push(
    d.materials.length === 0
      ? "No materials."
      : table(["Name", "Kind", "Digest"], d.materials.map((m) => [cell(m.name) + (m.output ? " (output)" : ""), cell(m.kind), m.digest ? code(shortDigest(m.digest)) : "not set"])),
  );
  if (d.policies.length > 0) {
    out.push("", "#### Policies", "", table(["Material", "Policy", "Gate", "Verdict"], d.policies.map((e) => [e.material === undefined ? "(attestation)" : cell(e.material), cell(e.policy), e.gate ? "yes" : "no", verdict(e, d.gate)])));
  }
  return `${out.join("\n")}\n`;
}

function verdict(e: PolicyEvaluation, gate: SummaryData["gate"]): string {
  if (e.skipped !== undefined) return `skipped: ${cell(e.skipped)}`;
  const n = e.violations.length;
  if (n === 0) return "passed";
  const count = `${n} violation${n === 1 ? "" : "s"}`;
  const rules = cell(e.violations.map((v) => `${v.rule}: ${v.message}`).join("\n"));
  if (e.gate && gate) return `**${gate}**: ${count}<br>${rules}`;
  return `${count}<br>${rules}`;
}

function contractCell(c: SummaryData["contract"]): string {
  if (c.revision === 0) return `${cell(c.name)} (not stored: dry-run)`;
  return `${cell(c.name)}, revision ${c.revision}${c.latest > c.revision ? ` (latest ${c.latest})` : " (latest)"}`;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}


/**
 * Text made safe for one Markdown table cell: pipes and Markdown punctuation escaped, HTML neutralised, line
 * breaks as `<br>` (a raw newline would end the row).
 */
export function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|~#])/g, "\\$1")
    .replace(/\r\n|\r|\n/g, "<br>");
}

/** A digest in a code span (digests are `algo:hex`: no backtick or pipe to escape). */
function code(digest: string): string {
  return `\`${digest.replace(/[`|]/g, "")}\``;
}

function linkTarget(url: string): string {
  return url.replace(/[\s()<>|\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

