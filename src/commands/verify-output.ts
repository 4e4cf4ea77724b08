// What `cairn verify` prints: one row per attestation considered, then the result line; and the exit it ends with.
import { renderTable } from "../cli/table.ts";
import { CairnError } from "../errors.ts";
import type { ArtifactVerdict, ConsideredAttestation } from "../services/verify-artifact/types.ts";

const SHORT_PREDICATES: Record<string, string> = {
  "https://cairn.dev/attestation/v0.1": "cairn",
  "https://slsa.dev/provenance/v1": "slsa-provenance",
  "https://slsa.dev/verification_summary/v1": "slsa-vsa",
};

export function verdictTable(v: ArtifactVerdict): string {
  const rows = v.considered.map(row);
  const table = rows.length > 0 ? `${renderTable({ head: ["Attestation", "Predicate", "Workflow", "Run", "Verdict", "Reasons"], rows, wrap: [5] })}\n` : "";
  const skipped = v.notExamined ? `${v.notExamined} more attestation(s) of the kinds already accepted were not examined (--all examines them)\n` : "";
  return `${table}${skipped}${resultLine(v)}`;
}

function row(c: ConsideredAttestation): string[] {
  const workflow = c.workflow ? `${c.project ? `${c.project}/` : ""}${c.workflow}` : "-";
  return [c.digest.slice(0, 19), SHORT_PREDICATES[c.predicateType] ?? (c.predicateType || "-"), workflow, c.runId ?? "-", c.accepted ? "ACCEPTED" : "REJECTED", c.reasons.join("; ") || "-"];
}

export function resultLine(v: ArtifactVerdict): string {
  const n = v.considered.length + (v.notExamined ?? 0);
  if (v.result === "PASSED") return `PASSED ${v.subject} (${v.resourceUri}): ${v.acceptedDigests.length} of ${n} attestation${n === 1 ? "" : "s"} accepted; ${v.verifiedLevels.join(", ")}`;
  if (n === 0) return `FAILED ${v.subject} (${v.resourceUri}): no attestation references it`;
  return `FAILED ${v.subject} (${v.resourceUri}): ${v.noValidAttestation ? "no valid attestation" : "no attestation satisfies the policy"} (${n} considered)`;
}

/** Exit 0 when PASSED; 1 (VERIFY_FAILED) without a valid attestation; 4 (POLICY_GATE) when the policy failed. */
export function verdictError(v: ArtifactVerdict): CairnError | undefined {
  if (v.result === "PASSED") return undefined;
  if (v.noValidAttestation) {
    return new CairnError("VERIFY_FAILED", `no valid attestation for ${v.subject}`, {
      hint: v.considered.length === 0 ? "nothing in this store references the digest: check CAIRN_ORG, the artifact, or --control-plane" : "see the reasons above: trust the signer with --key / --trusted-root, or check the bundles",
      details: { subject: v.subject },
    });
  }
  return new CairnError("POLICY_GATE", `${v.subject} failed the verification policy: none of ${v.considered.length} attestation(s) accepted`, {
    hint: "see the reasons above",
    details: { subject: v.subject, considered: v.considered.length },
  });
}
