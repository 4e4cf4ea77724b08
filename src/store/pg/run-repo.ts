import type { Scope } from "../ports.ts";
import type { RunQuery, RunRepo, RunView, UploadRecord } from "../run-port.ts";
import type { PgDatabase } from "./database.ts";
import { first, num, Params, RUN_COLUMNS, toRun, type RunRow } from "./rows.ts";

interface RunViewRow extends RunRow {
  workflow: string;
  project: string;
  contract_name: string;
}

const SELECT = `SELECT ${RUN_COLUMNS}, w.name AS workflow, p.name AS project, c.name AS contract_name
  FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
  JOIN contracts c ON c.id = w.contract_id`;

const toView = (r: RunViewRow): RunView => ({ ...toRun(r), workflow: r.workflow, project: r.project, contractName: r.contract_name });

/** An API token's scope as conditions on the run (`r`) and its workflow (`w`). */
function scopeSql(scope: Scope | undefined, p: Params): string {
  let sql = "";
  if (scope?.projectId !== undefined) sql += ` AND w.project_id = ${p.push(scope.projectId)}`;
  if (scope?.workflowId !== undefined) sql += ` AND r.workflow_id = ${p.push(scope.workflowId)}`;
  return sql;
}

/**
 * The `list` statement, newest first (created_at DESC, id ASC, byte order as SQLite's). A workflow name matches the
 * run's workflow, deleted ones too (their runs stay listed), as the SQLite adapter's id list does.
 */
export function runListQuery(q: RunQuery): { sql: string; params: unknown[] } {
  const p = new Params();
  let where = `r.org_id = ${p.push(q.orgId)}`;
  if (q.workflow !== undefined) where += ` AND w.name = ${p.push(q.workflow)}`;
  if (q.project !== undefined) where += ` AND p.name = ${p.push(q.project)}`;
  where += scopeSql(q.scope, p);
  if (q.state !== undefined) where += ` AND r.state = ${p.push(q.state)}`;
  if (q.policyStatus !== undefined) where += ` AND r.policy_status = ${p.push(q.policyStatus)}`;
  if (q.after) {
    const at = p.push(q.after.createdAt);
    where += ` AND r.created_at <= ${at} AND NOT (r.created_at = ${at} AND r.id <= ${p.push(q.after.id)})`;
  }
  return { sql: `${SELECT} WHERE ${where} ORDER BY r.created_at DESC, r.id LIMIT ${p.push(q.limit)}`, params: p.values };
}

/** Runs as the control plane shows them, over PostgreSQL. */
export class PgRunRepo implements RunRepo {
  constructor(private readonly db: PgDatabase) {}

  /** One statement: every initialized run created before the cutoff, however many replicas run it at once. */
  async expireStale(cutoff: string, now: string, reason: string): Promise<number> {
    const rows = await this.db.query<{ n: number | string }>(
      `WITH expired AS (UPDATE workflow_runs SET state = 'expired', finished_at = $1, reason = $2
         WHERE state = 'initialized' AND created_at < $3 RETURNING 1) SELECT count(*) AS n FROM expired`,
      [now, reason, cutoff],
    );
    return num(rows[0]!.n);
  }

  async hasStale(cutoff: string): Promise<boolean> {
    return (await this.db.query("SELECT 1 AS stale FROM workflow_runs WHERE state = 'initialized' AND created_at < $1 LIMIT 1", [cutoff])).length > 0;
  }

  async list(q: RunQuery): Promise<RunView[]> {
    const { sql, params } = runListQuery(q);
    return (await this.db.query<RunViewRow>(sql, params)).map(toView);
  }

  async get(orgId: string, id: string, scope?: Scope): Promise<RunView | undefined> {
    const p = new Params();
    const sql = `${SELECT} WHERE r.id = ${p.push(id)} AND r.org_id = ${p.push(orgId)}${scopeSql(scope, p)}`;
    const row = first(await this.db.query<RunViewRow>(sql, p.values));
    return row ? toView(row) : undefined;
  }

  async byAttestation(orgId: string, digests: readonly string[], scope?: Scope): Promise<RunView[]> {
    if (digests.length === 0) return [];
    const p = new Params();
    const sql = `${SELECT} WHERE r.attestation_digest = ANY(${p.push([...digests])}::text[]) AND r.org_id = ${p.push(orgId)}${scopeSql(scope, p)}
      ORDER BY r.attestation_digest`;
    return (await this.db.query<RunViewRow>(sql, p.values)).map(toView);
  }

  async recordUpload(u: UploadRecord): Promise<void> {
    await this.db.query("INSERT INTO uploads (digest, org_id, name, size, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING", [
      u.digest,
      u.orgId,
      u.name,
      u.size,
      u.createdAt,
    ]);
  }

  async findUpload(orgId: string, digest: string): Promise<UploadRecord | undefined> {
    const sql = `SELECT org_id AS "orgId", digest, name, size, created_at AS "createdAt" FROM uploads WHERE org_id = $1 AND digest = $2`;
    const row = first(await this.db.query<Omit<UploadRecord, "size"> & { size: number | string }>(sql, [orgId, digest]));
    return row ? { ...row, size: num(row.size) } : undefined;
  }
}
