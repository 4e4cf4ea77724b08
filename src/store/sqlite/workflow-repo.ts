import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import type { RunState, Scope } from "../ports.ts";
import type {
  ComplianceRuns,
  ContractRecord,
  RevisionInfo,
  WorkflowChanges,
  WorkflowQuery,
  WorkflowRecord,
  WorkflowRepo,
} from "../workflow-port.ts";

interface WorkflowRow extends Omit<WorkflowRecord, "lastRun" | "implicit"> {
  implicit: number;
  lastRunId: string | null;
  lastRunState: RunState | null;
  lastRunCreatedAt: string | null;
  lastRunRevision: number | null;
}

// Per workflow: the contract's latest revision (primary key), and the run count and newest run that migration 004's
// trigger keeps on the workflow row (so a page of workflows costs the same at any history size).
const WORKFLOW_SELECT = `SELECT w.id, w.org_id AS orgId, w.project_id AS projectId, p.name AS project, w.name, w.team,
  w.description, w.contract_id AS contractId, c.name AS contractName, w.created_at AS createdAt, w.updated_at AS updatedAt,
  w.created_by AS createdBy, w.implicit,
  coalesce((SELECT max(revision) FROM contract_revisions WHERE contract_id = w.contract_id), 0) AS contractLatestRevision,
  w.runs_count AS runsCount,
  lr.id AS lastRunId, lr.state AS lastRunState, lr.created_at AS lastRunCreatedAt, lr.contract_revision_used AS lastRunRevision
  FROM workflows w JOIN projects p ON p.id = w.project_id JOIN contracts c ON c.id = w.contract_id
  LEFT JOIN workflow_runs lr ON lr.id = w.last_run_id`;

/**
 * A scope's condition on a workflows row (alias `w`): its project and/or the workflow itself. Ids are bound, never
 * inlined. Without a scope: no condition.
 */
export function scopeWhere(alias: string, scope: Scope | undefined): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  if (scope?.projectId !== undefined) parts.push(`${alias}.project_id = ?`), params.push(scope.projectId);
  if (scope?.workflowId !== undefined) parts.push(`${alias}.id = ?`), params.push(scope.workflowId);
  return { sql: parts.map((p) => ` AND ${p}`).join(""), params };
}

/**
 * Contracts with their latest revision, the live workflows using them and when they last changed. With a scope a
 * contract is visible only while a live workflow of the scope uses it, and only those workflows are counted.
 */
function contractSelect(scope: Scope | undefined): { sql: string; params: string[]; visible: string } {
  const s = scopeWhere("sw", scope);
  const sql = `SELECT c.id, c.org_id AS orgId, c.name, c.description, c.created_at AS createdAt,
  coalesce((SELECT max(revision) FROM contract_revisions WHERE contract_id = c.id), 0) AS latestRevision,
  (SELECT count(*) FROM workflows sw WHERE sw.contract_id = c.id AND sw.deleted_at IS NULL${s.sql}) AS workflowsCount,
  max(coalesce(c.updated_at, c.created_at),
    coalesce((SELECT created_at FROM contract_revisions WHERE contract_id = c.id ORDER BY revision DESC LIMIT 1), c.created_at)) AS updatedAt
  FROM contracts c`;
  const visible = scope ? ` AND EXISTS (SELECT 1 FROM workflows sw WHERE sw.contract_id = c.id AND sw.deleted_at IS NULL${s.sql})` : "";
  return { sql, params: s.params, visible };
}

const CHANGE_COLUMNS: [keyof WorkflowChanges, string][] = [
  ["team", "team"],
  ["description", "description"],
  ["contractId", "contract_id"],
];

function toWorkflow(r: WorkflowRow): WorkflowRecord {
  const { lastRunId, lastRunState, lastRunCreatedAt, lastRunRevision, implicit, ...rest } = r;
  const lastRun = lastRunId === null ? null : { id: lastRunId, state: lastRunState!, createdAt: lastRunCreatedAt!, contractRevisionUsed: lastRunRevision! };
  return { ...rest, implicit: implicit === 1, lastRun };
}

/** Live workflows newest first: walks workflows_by_org (org_id, created_at DESC, id) in order (workflow-repo.test.ts checks the plan). */
export function workflowListQuery(q: WorkflowQuery): { sql: string; params: (string | number)[] } {
  const where = ["w.org_id = ?", "w.deleted_at IS NULL"];
  const params: (string | number)[] = [q.orgId];
  if (q.project !== undefined) {
    where.push("p.name = ?");
    params.push(q.project);
  }
  if (q.team !== undefined) {
    where.push("w.team = ?");
    params.push(q.team);
  }
  const scoped = scopeWhere("w", q.scope);
  if (scoped.sql) where.push(scoped.sql.slice(" AND ".length)), params.push(...scoped.params);
  if (q.after) {
    where.push("w.created_at <= ? AND NOT (w.created_at = ? AND w.id <= ?)");
    params.push(q.after.createdAt, q.after.createdAt, q.after.id);
  }
  params.push(q.limit);
  return { sql: `${WORKFLOW_SELECT} WHERE ${where.join(" AND ")} ORDER BY w.created_at DESC, w.id LIMIT ?`, params };
}

interface ComplianceRow {
  workflowId: string;
  id: string | null;
  state: RunState | null;
  createdAt: string | null;
  finishedAt: string | null;
  reason: string | null;
  revision: number | null;
  digest: string | null;
}

/**
 * Per workflow, one seek on workflow_runs_by_workflow (newest first, stopping at the first finished run: only the
 * initialized runs at the head are skipped, and those expire). Ties on created_at go to the run inserted last, as
 * last_run_id does. The newest success is not looked up: it only matters when the newest finished run succeeded.
 */
export function complianceRunsSql(n: number): string {
  return `SELECT w.id AS workflowId, j.id, j.state, j.created_at AS createdAt, j.finished_at AS finishedAt, j.reason,
      j.contract_revision_used AS revision, j.attestation_digest AS digest
    FROM workflows w LEFT JOIN workflow_runs j ON j.id = (SELECT r.id FROM workflow_runs r
      WHERE r.workflow_id = w.id AND r.state <> 'initialized' ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1)
    WHERE w.id IN (${Array(n).fill("?").join(", ")})`;
}

function toComplianceRuns(r: ComplianceRow): ComplianceRuns {
  const judged =
    r.id === null
      ? null
      : { id: r.id, state: r.state!, createdAt: r.createdAt!, finishedAt: r.finishedAt, reason: r.reason, contractRevisionUsed: r.revision!, attestationDigest: r.digest };
  return { workflowId: r.workflowId, judged };
}

/** WorkflowRepo over bun:sqlite: live rows are those with deleted_at IS NULL. */
export class SqliteWorkflowRepo implements Sync<WorkflowRepo> {
  constructor(private readonly db: Database) {}

  listWorkflows(q: WorkflowQuery): WorkflowRecord[] {
    const { sql, params } = workflowListQuery(q);
    return (this.db.query(sql).all(...params) as WorkflowRow[]).map(toWorkflow);
  }

  complianceRuns(workflowIds: readonly string[]): ComplianceRuns[] {
    if (workflowIds.length === 0) return [];
    return (this.db.query(complianceRunsSql(workflowIds.length)).all(...workflowIds) as ComplianceRow[]).map(toComplianceRuns);
  }

  getWorkflow(orgId: string, project: string, name: string): WorkflowRecord | undefined {
    const sql = `${WORKFLOW_SELECT} WHERE w.org_id = ? AND p.name = ? AND w.name = ? AND w.deleted_at IS NULL`;
    const row = this.db.query(sql).get(orgId, project, name) as WorkflowRow | null;
    return row ? toWorkflow(row) : undefined;
  }

  updateWorkflow(id: string, changes: WorkflowChanges, now: string): void {
    const sets: string[] = ["updated_at = ?"];
    const params: (string | null)[] = [now];
    for (const [key, column] of CHANGE_COLUMNS) {
      const value = changes[key];
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      params.push(value);
    }
    this.db.query(`UPDATE workflows SET ${sets.join(", ")} WHERE id = ?`).run(...params, id);
  }

  deleteWorkflow(id: string, now: string): void {
    this.db.query("UPDATE workflows SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL").run(now, now, id);
  }

  getContract(orgId: string, name: string, scope?: Scope): ContractRecord | undefined {
    const c = contractSelect(scope);
    const sql = `${c.sql} WHERE c.org_id = ? AND c.name = ? AND c.deleted_at IS NULL${c.visible}`;
    const row = this.db.query(sql).get(...c.params, orgId, name, ...(scope ? c.params : []));
    return (row as ContractRecord | null) ?? undefined;
  }

  listContracts(orgId: string, limit: number, afterName = "", scope?: Scope): ContractRecord[] {
    const c = contractSelect(scope);
    const sql = `${c.sql} WHERE c.org_id = ? AND c.deleted_at IS NULL AND c.name > ?${c.visible} ORDER BY c.name LIMIT ?`;
    return this.db.query(sql).all(...c.params, orgId, afterName, ...(scope ? c.params : []), limit) as ContractRecord[];
  }

  listRevisions(contractId: string): RevisionInfo[] {
    const sql = "SELECT revision, digest, created_at AS createdAt, created_by AS createdBy FROM contract_revisions WHERE contract_id = ? ORDER BY revision";
    return this.db.query(sql).all(contractId) as RevisionInfo[];
  }

  workflowsUsing(contractId: string, scope?: Scope): { project: string; name: string }[] {
    const s = scopeWhere("w", scope);
    const sql = `SELECT p.name AS project, w.name FROM workflows w JOIN projects p ON p.id = w.project_id
      WHERE w.contract_id = ? AND w.deleted_at IS NULL${s.sql} ORDER BY p.name, w.name`;
    return this.db.query(sql).all(contractId, ...s.params) as { project: string; name: string }[];
  }

  setContractDescription(id: string, description: string | null, now: string): void {
    this.db.query("UPDATE contracts SET description = ?, updated_at = ? WHERE id = ?").run(description, now, id);
  }

  deleteContract(id: string, now: string): void {
    this.db.query("UPDATE contracts SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL").run(now, now, id);
  }
}
