import type { Database } from "bun:sqlite";
import type { RunState } from "../ports.ts";
import type { ContractRecord, RevisionInfo, WorkflowChanges, WorkflowQuery, WorkflowRecord, WorkflowRepo } from "../workflow-port.ts";

interface WorkflowRow extends Omit<WorkflowRecord, "lastRun"> {
  lastRunId: string | null;
  lastRunState: RunState | null;
  lastRunCreatedAt: string | null;
  lastRunRevision: number | null;
}

// Per workflow: the contract's latest revision (primary key), and the run count and newest run that migration 004's
// trigger keeps on the workflow row (so a page of workflows costs the same at any history size).
const WORKFLOW_SELECT = `SELECT w.id, w.org_id AS orgId, w.project_id AS projectId, p.name AS project, w.name, w.team,
  w.description, w.contract_id AS contractId, c.name AS contractName, w.created_at AS createdAt, w.updated_at AS updatedAt,
  coalesce((SELECT max(revision) FROM contract_revisions WHERE contract_id = w.contract_id), 0) AS contractLatestRevision,
  w.runs_count AS runsCount,
  lr.id AS lastRunId, lr.state AS lastRunState, lr.created_at AS lastRunCreatedAt, lr.contract_revision_used AS lastRunRevision
  FROM workflows w JOIN projects p ON p.id = w.project_id JOIN contracts c ON c.id = w.contract_id
  LEFT JOIN workflow_runs lr ON lr.id = w.last_run_id`;

const CONTRACT_SELECT = `SELECT c.id, c.org_id AS orgId, c.name, c.description, c.created_at AS createdAt,
  coalesce((SELECT max(revision) FROM contract_revisions WHERE contract_id = c.id), 0) AS latestRevision,
  (SELECT count(*) FROM workflows WHERE contract_id = c.id AND deleted_at IS NULL) AS workflowsCount,
  max(coalesce(c.updated_at, c.created_at),
    coalesce((SELECT created_at FROM contract_revisions WHERE contract_id = c.id ORDER BY revision DESC LIMIT 1), c.created_at)) AS updatedAt
  FROM contracts c`;

const CHANGE_COLUMNS: [keyof WorkflowChanges, string][] = [
  ["team", "team"],
  ["description", "description"],
  ["contractId", "contract_id"],
];

function toWorkflow(r: WorkflowRow): WorkflowRecord {
  const { lastRunId, lastRunState, lastRunCreatedAt, lastRunRevision, ...rest } = r;
  const lastRun = lastRunId === null ? null : { id: lastRunId, state: lastRunState!, createdAt: lastRunCreatedAt!, contractRevisionUsed: lastRunRevision! };
  return { ...rest, lastRun };
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
  if (q.after) {
    where.push("w.created_at <= ? AND NOT (w.created_at = ? AND w.id <= ?)");
    params.push(q.after.createdAt, q.after.createdAt, q.after.id);
  }
  params.push(q.limit);
  return { sql: `${WORKFLOW_SELECT} WHERE ${where.join(" AND ")} ORDER BY w.created_at DESC, w.id LIMIT ?`, params };
}

/** WorkflowRepo over bun:sqlite: live rows are those with deleted_at IS NULL. */
export class SqliteWorkflowRepo implements WorkflowRepo {
  constructor(private readonly db: Database) {}

  listWorkflows(q: WorkflowQuery): WorkflowRecord[] {
    const { sql, params } = workflowListQuery(q);
    return (this.db.query(sql).all(...params) as WorkflowRow[]).map(toWorkflow);
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

  getContract(orgId: string, name: string): ContractRecord | undefined {
    const row = this.db.query(`${CONTRACT_SELECT} WHERE c.org_id = ? AND c.name = ? AND c.deleted_at IS NULL`).get(orgId, name);
    return (row as ContractRecord | null) ?? undefined;
  }

  listContracts(orgId: string, limit: number, afterName = ""): ContractRecord[] {
    const sql = `${CONTRACT_SELECT} WHERE c.org_id = ? AND c.deleted_at IS NULL AND c.name > ? ORDER BY c.name LIMIT ?`;
    return this.db.query(sql).all(orgId, afterName, limit) as ContractRecord[];
  }

  listRevisions(contractId: string): RevisionInfo[] {
    const sql = "SELECT revision, digest, created_at AS createdAt FROM contract_revisions WHERE contract_id = ? ORDER BY revision";
    return this.db.query(sql).all(contractId) as RevisionInfo[];
  }

  workflowsUsing(contractId: string): { project: string; name: string }[] {
    const sql = `SELECT p.name AS project, w.name FROM workflows w JOIN projects p ON p.id = w.project_id
      WHERE w.contract_id = ? AND w.deleted_at IS NULL ORDER BY p.name, w.name`;
    return this.db.query(sql).all(contractId) as { project: string; name: string }[];
  }

  setContractDescription(id: string, description: string | null, now: string): void {
    this.db.query("UPDATE contracts SET description = ?, updated_at = ? WHERE id = ?").run(description, now, id);
  }

  deleteContract(id: string, now: string): void {
    this.db.query("UPDATE contracts SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL").run(now, now, id);
  }
}
