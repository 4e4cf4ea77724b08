import { noticeLines } from "../services/crafting/init-notice.ts";
import type { StatusView } from "../services/crafting/status.ts";
import { renderTable } from "./table.ts";

const yesNo = (b: boolean) => (b ? "Yes" : "No");

function versionLabel(v: NonNullable<StatusView["workflow"]["projectVersion"]>): string {
  if (v.markAsReleased) return `${v.version} (released at push)`;
  return `${v.version}${v.prerelease ? " (prerelease)" : " (released)"}`;
}

/**
 * The two tables of the guide: the attestation summary and the materials, with init's contract change notice between
 * them. --full adds values, env and git (and, as everywhere, lays the tables out whole: table.ts).
 */
export function renderStatus(v: StatusView & { signing?: string }, full: boolean): string {
  const w = v.workflow;
  const contract =
    w.contractRevision > 0
      ? `${w.contractName} (revision ${w.contractRevision}${w.contractRevisionLatest > w.contractRevision ? `, latest ${w.contractRevisionLatest}` : ""})`
      : `${w.contractName} (not stored: dry-run)`;
  const summary: string[][] = [
    ["Initialized At", formatTime(v.initializedAt)],
    ["Attestation ID", v.attestationId],
    ["Workflow", w.name],
    ["Project", w.project],
    ...(w.projectVersion ? [["Version", versionLabel(w.projectVersion)]] : []),
    ...(w.team ? [["Team", w.team]] : []),
    ["Organization", w.organization],
    ["Contract", contract],
    ["Runner Type", v.runner.type],
    ...(v.runner.url ? [["Runner URL", v.runner.url]] : []),
    ...(v.dryRun ? [["Dry Run", "Yes (nothing is stored)"]] : []),
    ...(v.signing ? [["Signing", v.signing]] : []),
  ];
  const head = ["NAME", "TYPE", "SET", "REQUIRED", "IS OUTPUT", ...(full ? ["VALUE", "DIGEST"] : [])];
  const rows = v.materials.map((m) => [
    m.name,
    m.kind,
    yesNo(m.set),
    yesNo(m.required),
    m.output ? "x" : "",
    ...(full ? [m.value ?? "", m.digest ?? ""] : []),
  ]);
  const notice = v.contractChanges ? [noticeLines(v.contractChanges).join("\n")] : [];
  const parts = [renderTable({ rows: summary }), ...notice, renderTable({ title: "Materials", head, rows })];
  if (full && Object.keys(v.env).length > 0) {
    parts.push(renderTable({ title: "Environment Variables", head: ["NAME", "VALUE"], rows: Object.entries(v.env).sort() }));
  }
  if (full && v.git) {
    parts.push(renderTable({ title: "Git HEAD", rows: [["Commit", v.git.hash], ["Author", `${v.git.authorName} <${v.git.authorEmail}>`], ["Date", v.git.date]] }));
  }
  if (v.policyEvaluations.length > 0) parts.push(renderPolicies(v.policyEvaluations, full));
  const todo = [...v.missing.materials, ...v.missing.groups.map((g) => `group ${g}`)];
  if (todo.length > 0) parts.push(`Still required before push: ${todo.join(", ")}`);
  if (v.requiredAnnotations.length > 0) parts.push(`Annotations required at push: ${v.requiredAnnotations.join(", ")}`);
  return parts.join("\n");
}

/** One row per evaluation (material, policy, gate, result); --full adds a row per violation message. */
function renderPolicies(evaluations: StatusView["policyEvaluations"], full: boolean): string {
  const rows = evaluations.flatMap((e) => {
    const n = e.violations.length;
    const result = e.skipped !== undefined ? `skipped: ${e.skipped}` : n === 0 ? "passed" : `${n} violation${n === 1 ? "" : "s"}`;
    const row = [e.material ?? "(attestation)", e.policy, e.gate ? "Yes" : "No", result];
    return [row, ...(full ? e.violations.map((v) => ["", "", "", `- ${v.rule}: ${v.message}`]) : [])];
  });
  return renderTable({ title: "Policy Evaluations", head: ["MATERIAL", "POLICY", "GATE", "RESULT"], rows });
}

/** "02 Nov 22 10:04 UTC", as in the guide. */
// RFC 822 month names, as Go's time.RFC822 (Chainloop's tables) prints them; a table, not toLocaleString, whose
// locale data costs ~10 ms at every `att init` start (and whose en-GB "Sept" is not RFC 822).
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const mon = MONTHS[d.getUTCMonth()]!;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())} ${mon} ${String(d.getUTCFullYear()).slice(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
}
