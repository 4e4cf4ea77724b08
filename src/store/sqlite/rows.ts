import type { PolicyVerdict } from "../../crafter/policy/status.ts";
import type { ContractRevision, WorkflowRun } from "../ports.ts";

/** Row shapes as SQLite returns them, and their mapping to domain objects. */
export interface RunRow {
  id: string;
  org_id: string;
  workflow_id: string;
  state: WorkflowRun["state"];
  reason: string | null;
  runner_type: string;
  runner_url: string | null;
  contract_revision_used: number;
  contract_revision_latest: number;
  project_version_id: string | null;
  attestation_digest: string | null;
  policy_status: PolicyVerdict | null;
  pushed_by: string | null;
  created_at: string;
  finished_at: string | null;
}

export function toRun(r: RunRow): WorkflowRun {
  return {
    id: r.id,
    orgId: r.org_id,
    workflowId: r.workflow_id,
    state: r.state,
    reason: r.reason,
    runnerType: r.runner_type,
    runnerUrl: r.runner_url,
    contractRevisionUsed: r.contract_revision_used,
    contractRevisionLatest: r.contract_revision_latest,
    projectVersionId: r.project_version_id ?? null,
    attestationDigest: r.attestation_digest,
    policyStatus: r.policy_status ?? null,
    pushedBy: r.pushed_by ?? null,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

export interface RevisionRow {
  contract_id: string;
  name: string;
  revision: number;
  body: string;
  body_format: "yaml" | "json";
  digest: string;
  created_at: string;
  created_by: string | null;
}

export function toRevision(r: RevisionRow): ContractRevision {
  return {
    contractId: r.contract_id,
    contractName: r.name,
    revision: r.revision,
    body: r.body,
    bodyFormat: r.body_format,
    digest: r.digest,
    createdAt: r.created_at,
    createdBy: r.created_by ?? null,
  };
}
