import type { PolicyVerdict } from "../../crafter/policy/status.ts";
import type { ContractRevision, WorkflowRun } from "../ports.ts";

/**
 * Row shapes as PostgreSQL returns them, and their mapping to the same domain objects the SQLite adapter returns.
 * The driver returns bigint (int8, count(*), sums) as strings: num() turns them into numbers.
 */
export const num = (v: number | string | bigint | null): number => (v === null ? 0 : Number(v));

/** A flag column read back (boolean, or 0/1 should the column be an integer). */
export const flag = (v: boolean | number | string): boolean => v === true || v === 1 || v === "1" || v === "t";

export interface RunRow {
  id: string;
  org_id: string;
  workflow_id: string;
  state: WorkflowRun["state"];
  reason: string | null;
  runner_type: string;
  runner_url: string | null;
  contract_revision_used: number | string;
  contract_revision_latest: number | string;
  project_version_id: string | null;
  attestation_digest: string | null;
  policy_status: PolicyVerdict | null;
  pushed_by: string | null;
  created_at: string;
  finished_at: string | null;
}

/** The run columns, without `seq` (which is the adapter's, not the domain's). */
export const RUN_COLUMNS = `r.id, r.org_id, r.workflow_id, r.state, r.reason, r.runner_type, r.runner_url, r.contract_revision_used,
  r.contract_revision_latest, r.project_version_id, r.attestation_digest, r.policy_status, r.pushed_by, r.created_at, r.finished_at`;

export function toRun(r: RunRow): WorkflowRun {
  return {
    id: r.id,
    orgId: r.org_id,
    workflowId: r.workflow_id,
    state: r.state,
    reason: r.reason,
    runnerType: r.runner_type,
    runnerUrl: r.runner_url,
    contractRevisionUsed: num(r.contract_revision_used),
    contractRevisionLatest: num(r.contract_revision_latest),
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
  revision: number | string;
  body: string;
  body_format: "yaml" | "json";
  digest: string;
  created_at: string;
  created_by: string | null;
}

export const REVISION_SELECT = `SELECT r.contract_id, c.name, r.revision, r.body, r.body_format, r.digest, r.created_at, r.created_by
  FROM contract_revisions r JOIN contracts c ON c.id = r.contract_id`;

export function toRevision(r: RevisionRow): ContractRevision {
  return {
    contractId: r.contract_id,
    contractName: r.name,
    revision: num(r.revision),
    body: r.body,
    bodyFormat: r.body_format,
    digest: r.digest,
    createdAt: r.created_at,
    createdBy: r.created_by ?? null,
  };
}

/** The first row, or undefined. */
export const first = <T>(rows: T[]): T | undefined => rows[0];

/** Numbered placeholders for statements built piece by piece: push() binds a value and returns its `$n`. */
export class Params {
  readonly values: unknown[] = [];
  push(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

