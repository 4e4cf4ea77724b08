import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import { POLICY_VERDICTS } from "../../crafter/policy/status.ts";
import type { Scope } from "../ports.ts";
import type { RunQuery, RunRepo, RunView, UploadRecord } from "../run-port.ts";
import { toRun, type RunRow } from "./rows.ts";

interface RunViewRow extends RunRow {
  workflow: string;
  project: string;
  contract_name: string;
}

const SELECT = `SELECT r.*, w.name AS workflow, p.name AS project, c.name AS contract_name
  FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
  JOIN contracts c ON c.id = w.contract_id`;

const STATES = new Set(["initialized", "succeeded", "blocked", "failed", "cancelled", "expired"]);
const VERDICTS = new Set<string>(POLICY_VERDICTS);

/** A value for inlining into SQL; anything outside its closed set is refused, so nothing else can be inlined. */
function literal(set: Set<string>, value: string, what: string): string {
  if (!set.has(value)) throw new Error(`unknown ${what} ${JSON.stringify(value)}`);
  return value;
}

/**
 * The `list` statement, newest first. The keyset bound is a range on created_at (which the index can seek to) plus a
 * filter dropping the boundary timestamp's rows already shown. Index choice is steered, as the store has no ANALYZE
 * statistics (run-repo.test.ts checks the plans):
 * - --workflow (given as the ids of the workflows with that name): workflow_runs_by_workflow; `+r.org_id` keeps the
 *   planner off the org index, which would walk every run of the organization to find a rare workflow's;
 * - --status S: workflow_runs_by_org_state (migration 006), which matches the ORDER BY, so a rare state (cancelled)
 *   costs what a common one does; the state is inlined (from the closed set of states, never user text);
 * - --policy-status P (without --status): workflow_runs_by_org_policy (migration 011), likewise; the verdict is
 *   inlined from its closed set too (the partial index needs a literal the planner can see is not NULL);
 * - otherwise workflow_runs_by_org, which matches the ORDER BY.
 */
export function runListQuery(q: RunQuery, workflowIds?: string[]): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (workflowIds !== undefined) {
    where.push(`r.workflow_id IN (${workflowIds.map(() => "?").join(", ")})`, "+r.org_id = ?");
    params.push(...workflowIds, q.orgId);
  } else {
    where.push("r.org_id = ?");
    params.push(q.orgId);
    if (q.project !== undefined) {
      where.push("p.name = ?");
      params.push(q.project);
    }
  }
  where.push(...scopeConditions(q.scope, params));
  if (q.state !== undefined) where.push(`r.state = '${literal(STATES, q.state, "run state")}'`);
  if (q.policyStatus !== undefined) {
    // `+` keeps the planner on the state or workflow index when one of those filters is given as well
    const column = q.state !== undefined || workflowIds !== undefined ? "+r.policy_status" : "r.policy_status";
    where.push(`${column} = '${literal(VERDICTS, q.policyStatus, "policy status")}'`);
  }
  if (q.after) {
    where.push("r.created_at <= ? AND NOT (r.created_at = ? AND r.id <= ?)");
    params.push(q.after.createdAt, q.after.createdAt, q.after.id);
  }
  params.push(q.limit);
  return { sql: `${SELECT} WHERE ${where.join(" AND ")} ORDER BY r.created_at DESC, r.id LIMIT ?`, params };
}

/** An API token's scope as conditions on the run (`r`) and its workflow (`w`); the ids are bound into `params`. */
function scopeConditions(scope: Scope | undefined, params: (string | number)[]): string[] {
  const out: string[] = [];
  if (scope?.projectId !== undefined) out.push("w.project_id = ?"), params.push(scope.projectId);
  if (scope?.workflowId !== undefined) out.push("r.workflow_id = ?"), params.push(scope.workflowId);
  return out;
}

const scopeSql = (scope: Scope | undefined, params: (string | number)[]) => scopeConditions(scope, params).map((c) => ` AND ${c}`).join("");

/** Served by the partial index workflow_runs_by_digest; `+r.org_id` keeps the planner off the org index. */
export function byDigestSql(n: number): string {
  return `${SELECT} WHERE r.attestation_digest IN (${Array(n).fill("?").join(", ")}) AND +r.org_id = ?`;
}

const toView = (r: RunViewRow): RunView => ({ ...toRun(r), workflow: r.workflow, project: r.project, contractName: r.contract_name });

/** SQLite queries for runs, each steered to an index (see runListQuery). */
export class SqliteRunRepo implements Sync<RunRepo> {
  constructor(private readonly db: Database) {}

  /** Served by the partial index workflow_runs_by_state (state, created_at) WHERE state = 'initialized'. */
  expireStale(cutoff: string, now: string, reason: string): number {
    return this.db
      .query("UPDATE workflow_runs SET state = 'expired', finished_at = ?, reason = ? WHERE state = 'initialized' AND created_at < ?")
      .run(now, reason, cutoff).changes;
  }

  /** The same partial index, read only. */
  hasStale(cutoff: string): boolean {
    return this.db.query("SELECT 1 FROM workflow_runs WHERE state = 'initialized' AND created_at < ? LIMIT 1").get(cutoff) !== null;
  }

  list(q: RunQuery): RunView[] {
    const ids = q.workflow === undefined ? undefined : this.workflowIds(q.orgId, q.workflow, q.project);
    if (ids?.length === 0) return [];
    const { sql, params } = runListQuery(q, ids);
    return (this.db.query(sql).all(...params) as RunViewRow[]).map(toView);
  }

  /** Every workflow (deleted ones too: their runs stay listed) with this name, in one project or all. */
  private workflowIds(orgId: string, name: string, project: string | undefined): string[] {
    const sql = `SELECT w.id FROM workflows w JOIN projects p ON p.id = w.project_id WHERE w.org_id = ? AND w.name = ?${project === undefined ? "" : " AND p.name = ?"}`;
    const params = project === undefined ? [orgId, name] : [orgId, name, project];
    return (this.db.query(sql).all(...params) as { id: string }[]).map((r) => r.id);
  }

  get(orgId: string, id: string, scope?: Scope): RunView | undefined {
    const params: (string | number)[] = [id, orgId];
    const row = this.db.query(`${SELECT} WHERE r.id = ? AND r.org_id = ?${scopeSql(scope, params)}`).get(...params) as RunViewRow | null;
    return row ? toView(row) : undefined;
  }

  byAttestation(orgId: string, digests: readonly string[], scope?: Scope): RunView[] {
    if (digests.length === 0) return [];
    const params: (string | number)[] = [...digests, orgId];
    const sql = byDigestSql(digests.length) + scopeSql(scope, params);
    return (this.db.query(sql).all(...params) as RunViewRow[]).map(toView);
  }

  recordUpload(u: UploadRecord): void {
    this.db
      .query("INSERT OR IGNORE INTO uploads (digest, org_id, name, size, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(u.digest, u.orgId, u.name, u.size, u.createdAt);
  }

  findUpload(orgId: string, digest: string): UploadRecord | undefined {
    const row = this.db
      .query("SELECT org_id AS orgId, digest, name, size, created_at AS createdAt FROM uploads WHERE org_id = ? AND digest = ?")
      .get(orgId, digest);
    return (row as UploadRecord | null) ?? undefined;
  }
}
