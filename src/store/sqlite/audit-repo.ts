import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import type { AuditEvent, AuditQuery, AuditRepo, NewAuditEvent } from "../audit-port.ts";

const SELECT = `SELECT id, org_id AS orgId, at, token_id AS tokenId, actor, role, action, target, outcome, status FROM audit_events`;

/** AuditRepo over bun:sqlite (table audit_events, migration 010; triggers refuse UPDATE and DELETE). */
export class SqliteAuditRepo implements Sync<AuditRepo> {
  constructor(private readonly db: Database) {}

  append(e: NewAuditEvent): void {
    this.db
      .query("INSERT INTO audit_events (org_id, at, token_id, actor, role, action, target, outcome, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .run(e.orgId, e.at, e.tokenId, e.actor, e.role, e.action, e.target, e.outcome, e.status);
  }

  list(q: AuditQuery): AuditEvent[] {
    const where = ["org_id = ?"];
    const args: (string | number)[] = [q.orgId];
    if (q.since !== undefined) where.push("at >= ?"), args.push(q.since);
    if (q.actor !== undefined) where.push("actor = ?"), args.push(q.actor);
    if (q.action !== undefined) {
      if (q.action.endsWith("*")) where.push("substr(action, 1, ?) = ?"), args.push(q.action.length - 1, q.action.slice(0, -1));
      else where.push("action = ?"), args.push(q.action);
    }
    if (q.outcome === "ok") where.push("outcome = 'ok'");
    if (q.outcome === "refused") where.push("outcome <> 'ok'");
    if (q.beforeId !== undefined) where.push("id < ?"), args.push(q.beforeId);
    return this.db.query(`${SELECT} WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT ?`).all(...args, q.limit) as AuditEvent[];
  }
}
