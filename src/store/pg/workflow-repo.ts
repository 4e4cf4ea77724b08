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
import type { PgDatabase } from "./database.ts";
import { TOKEN_REVOKED_CHANNEL } from "./org-repo.ts";
import { first, flag, num, Params } from "./rows.ts";
import { WORKFLOW_DELETED_PREFIX } from "./token-feed.ts";

interface WorkflowRow extends Omit<WorkflowRecord, "lastRun" | "implicit" | "contractLatestRevision" | "runsCount"> {
  implicit: boolean;
  contractLatestRevision: number | string;
  runsCount: number | string;
  lastRunId: string | null;
  lastRunState: RunState | null;
  lastRunCreatedAt: string | null;
  lastRunRevision: number | null;
}

// As the SQLite adapter: the contract's latest revision, and the run count and newest run the baseline's trigger keeps.
const WORKFLOW_SELECT = `SELECT w.id, w.org_id AS "orgId", w.project_id AS "projectId", p.name AS project, w.name, w.team,
  w.description, w.contract_id AS "contractId", c.name AS "contractName", w.created_at AS "createdAt", w.updated_at AS "updatedAt",
  w.created_by AS "createdBy", w.implicit,
  coalesce((SELECT max(revision) FROM contract_revisions WHERE contract_id = w.contract_id), 0) AS "contractLatestRevision",
  w.runs_count AS "runsCount",
  lr.id AS "lastRunId", lr.state AS "lastRunState", lr.created_at AS "lastRunCreatedAt", lr.contract_revision_used AS "lastRunRevision"
  FROM workflows w JOIN projects p ON p.id = w.project_id JOIN contracts c ON c.id = w.contract_id
  LEFT JOIN workflow_runs lr ON lr.id = w.last_run_id`;

/** A scope's condition on a workflows row (alias `alias`): its project and/or the workflow itself; ids are bound. */
function scopeWhere(alias: string, scope: Scope | undefined, p: Params): string {
  let sql = "";
  if (scope?.projectId !== undefined) sql += ` AND ${alias}.project_id = ${p.push(scope.projectId)}`;
  if (scope?.workflowId !== undefined) sql += ` AND ${alias}.id = ${p.push(scope.workflowId)}`;
  return sql;
}

/** Contracts with their latest revision, live workflows using them (of the scope) and when they last changed. */
function contractSelect(scope: Scope | undefined, p: Params): { sql: string; visible: string } {
  const s = scopeWhere("sw", scope, p);
  const sql = `SELECT c.id, c.org_id AS "orgId", c.name, c.description, c.created_at AS "createdAt",
  coalesce((SELECT max(revision) FROM contract_revisions WHERE contract_id = c.id), 0) AS "latestRevision",
  (SELECT count(*) FROM workflows sw WHERE sw.contract_id = c.id AND sw.deleted_at IS NULL${s}) AS "workflowsCount",
  greatest(coalesce(c.updated_at, c.created_at),
    coalesce((SELECT created_at FROM contract_revisions WHERE contract_id = c.id ORDER BY revision DESC LIMIT 1), c.created_at)) AS "updatedAt"
  FROM contracts c`;
  const visible = scope ? ` AND EXISTS (SELECT 1 FROM workflows sw WHERE sw.contract_id = c.id AND sw.deleted_at IS NULL${s})` : "";
  return { sql, visible };
}

type ContractRow = Omit<ContractRecord, "latestRevision" | "workflowsCount"> & { latestRevision: number | string; workflowsCount: number | string };
const toContract = (r: ContractRow): ContractRecord => ({ ...r, latestRevision: num(r.latestRevision), workflowsCount: num(r.workflowsCount) });

const CHANGE_COLUMNS: [keyof WorkflowChanges, string][] = [
  ["team", "team"],
  ["description", "description"],
  ["contractId", "contract_id"],
];

function toWorkflow(r: WorkflowRow): WorkflowRecord {
  const { lastRunId, lastRunState, lastRunCreatedAt, lastRunRevision, implicit, contractLatestRevision, runsCount, ...rest } = r;
  const lastRun = lastRunId === null ? null : { id: lastRunId, state: lastRunState!, createdAt: lastRunCreatedAt!, contractRevisionUsed: num(lastRunRevision) };
  return { ...rest, implicit: flag(implicit), contractLatestRevision: num(contractLatestRevision), runsCount: num(runsCount), lastRun };
}

/** Live workflows newest first (created_at DESC, id), keyset-paginated as the SQLite adapter. */
export function workflowListQuery(q: WorkflowQuery): { sql: string; params: unknown[] } {
  const p = new Params();
  let where = `w.org_id = ${p.push(q.orgId)} AND w.deleted_at IS NULL`;
  if (q.project !== undefined) where += ` AND p.name = ${p.push(q.project)}`;
  if (q.team !== undefined) where += ` AND w.team = ${p.push(q.team)}`;
  where += scopeWhere("w", q.scope, p);
  if (q.after) {
    const at = p.push(q.after.createdAt);
    where += ` AND w.created_at <= ${at} AND NOT (w.created_at = ${at} AND w.id <= ${p.push(q.after.id)})`;
  }
  return { sql: `${WORKFLOW_SELECT} WHERE ${where} ORDER BY w.created_at DESC, w.id LIMIT ${p.push(q.limit)}`, params: p.values };
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

/** Per workflow, its newest run that is not initialized; ties on created_at go to the run inserted last (seq). */
const COMPLIANCE_SQL = `SELECT w.id AS "workflowId", j.id, j.state, j.created_at AS "createdAt", j.finished_at AS "finishedAt", j.reason,
    j.contract_revision_used AS revision, j.attestation_digest AS digest
  FROM workflows w LEFT JOIN workflow_runs j ON j.id = (SELECT r.id FROM workflow_runs r
    WHERE r.workflow_id = w.id AND r.state <> 'initialized' ORDER BY r.created_at DESC, r.seq DESC LIMIT 1)
  WHERE w.id = ANY($1::text[]) ORDER BY w.id`;

function toComplianceRuns(r: ComplianceRow): ComplianceRuns {
  const judged =
    r.id === null
      ? null
      : { id: r.id, state: r.state!, createdAt: r.createdAt!, finishedAt: r.finishedAt, reason: r.reason, contractRevisionUsed: num(r.revision), attestationDigest: r.digest };
  return { workflowId: r.workflowId, judged };
}

/** WorkflowRepo over PostgreSQL: live rows are those with deleted_at IS NULL. */
export class PgWorkflowRepo implements WorkflowRepo {
  constructor(private readonly db: PgDatabase) {}

  async listWorkflows(q: WorkflowQuery): Promise<WorkflowRecord[]> {
    const { sql, params } = workflowListQuery(q);
    return (await this.db.query<WorkflowRow>(sql, params)).map(toWorkflow);
  }

  async complianceRuns(workflowIds: readonly string[]): Promise<ComplianceRuns[]> {
    if (workflowIds.length === 0) return [];
    return (await this.db.query<ComplianceRow>(COMPLIANCE_SQL, [[...workflowIds]])).map(toComplianceRuns);
  }

  async getWorkflow(orgId: string, project: string, name: string): Promise<WorkflowRecord | undefined> {
    const sql = `${WORKFLOW_SELECT} WHERE w.org_id = $1 AND p.name = $2 AND w.name = $3 AND w.deleted_at IS NULL`;
    const row = first(await this.db.query<WorkflowRow>(sql, [orgId, project, name]));
    return row ? toWorkflow(row) : undefined;
  }

  async updateWorkflow(id: string, changes: WorkflowChanges, now: string): Promise<void> {
    const p = new Params();
    const sets = [`updated_at = ${p.push(now)}`];
    for (const [key, column] of CHANGE_COLUMNS) {
      const value = changes[key];
      if (value !== undefined) sets.push(`${column} = ${p.push(value)}`);
    }
    await this.db.query(`UPDATE workflows SET ${sets.join(", ")} WHERE id = ${p.push(id)}`, p.values);
  }

  /** The first delete notifies the token caches (the workflow's tokens stop working), delivered at commit. */
  async deleteWorkflow(id: string, now: string): Promise<void> {
    await this.db.transaction(async () => {
      const rows = await this.db.query("UPDATE workflows SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING id", [now, id]);
      if (rows.length > 0) await this.db.notify(TOKEN_REVOKED_CHANNEL, `${WORKFLOW_DELETED_PREFIX}${id}`);
    });
  }

  async getContract(orgId: string, name: string, scope?: Scope): Promise<ContractRecord | undefined> {
    const p = new Params();
    const c = contractSelect(scope, p);
    const sql = `${c.sql} WHERE c.org_id = ${p.push(orgId)} AND c.name = ${p.push(name)} AND c.deleted_at IS NULL${c.visible}`;
    const row = first(await this.db.query<ContractRow>(sql, p.values));
    return row ? toContract(row) : undefined;
  }

  async listContracts(orgId: string, limit: number, afterName = "", scope?: Scope): Promise<ContractRecord[]> {
    const p = new Params();
    const c = contractSelect(scope, p);
    const sql = `${c.sql} WHERE c.org_id = ${p.push(orgId)} AND c.deleted_at IS NULL AND c.name > ${p.push(afterName)}${c.visible}
      ORDER BY c.name LIMIT ${p.push(limit)}`;
    return (await this.db.query<ContractRow>(sql, p.values)).map(toContract);
  }

  async listRevisions(contractId: string): Promise<RevisionInfo[]> {
    const sql = `SELECT revision, digest, created_at AS "createdAt", created_by AS "createdBy" FROM contract_revisions WHERE contract_id = $1 ORDER BY revision`;
    return this.db.query<RevisionInfo>(sql, [contractId]);
  }

  async workflowsUsing(contractId: string, scope?: Scope): Promise<{ project: string; name: string }[]> {
    const p = new Params();
    const where = `w.contract_id = ${p.push(contractId)} AND w.deleted_at IS NULL${scopeWhere("w", scope, p)}`;
    const sql = `SELECT p.name AS project, w.name FROM workflows w JOIN projects p ON p.id = w.project_id WHERE ${where} ORDER BY p.name, w.name`;
    return this.db.query<{ project: string; name: string }>(sql, p.values);
  }

  async setContractDescription(id: string, description: string | null, now: string): Promise<void> {
    await this.db.query("UPDATE contracts SET description = $1, updated_at = $2 WHERE id = $3", [description, now, id]);
  }

  async deleteContract(id: string, now: string): Promise<void> {
    await this.db.query("UPDATE contracts SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL", [now, id]);
  }
}
