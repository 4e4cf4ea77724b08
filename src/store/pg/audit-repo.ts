import type { AuditEvent, AuditQuery, AuditRepo, NewAuditEvent } from "../audit-port.ts";
import type { Async } from "./async.ts";
import type { PgDatabase } from "./database.ts";

const SELECT = `SELECT id, org_id AS "orgId", at, token_id AS "tokenId", actor, role, action, target, outcome, status FROM audit_events`;

/** AuditRepo over PostgreSQL (table audit_events; triggers refuse UPDATE, DELETE and TRUNCATE). */
export class PgAuditRepo implements Async<AuditRepo> {
  constructor(private readonly db: PgDatabase) {}

  async append(e: NewAuditEvent): Promise<void> {
    await this.db.query(
      "INSERT INTO audit_events (org_id, at, token_id, actor, role, action, target, outcome, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      [e.orgId, e.at, e.tokenId, e.actor, e.role, e.action, e.target, e.outcome, e.status],
    );
  }

  /** Newest first by id (an identity: insert order, as SQLite's rowid). */
  async list(q: AuditQuery): Promise<AuditEvent[]> {
    const args: unknown[] = [q.orgId];
    const arg = (v: unknown) => `$${args.push(v)}`;
    const where = ["org_id = $1"];
    if (q.since !== undefined) where.push(`at >= ${arg(q.since)}`);
    if (q.actor !== undefined) where.push(`actor = ${arg(q.actor)}`);
    if (q.action !== undefined) {
      if (q.action.endsWith("*")) where.push(`substr(action, 1, ${arg(q.action.length - 1)}) = ${arg(q.action.slice(0, -1))}`);
      else where.push(`action = ${arg(q.action)}`);
    }
    if (q.outcome === "ok") where.push("outcome = 'ok'");
    if (q.outcome === "refused") where.push("outcome <> 'ok'");
    if (q.beforeId !== undefined) where.push(`id < ${arg(q.beforeId)}`);
    return this.db.query<AuditEvent>(`${SELECT} WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT ${arg(q.limit)}`, args);
  }
}
