import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import type { OrgKeyQuery, OrgKeyRecord, OrgKeyRepo, OrgKeyStatus } from "../org-key-port.ts";

const SELECT = `SELECT id, org_id AS orgId, name, algorithm, public_key_pem AS publicKeyPem, key_id AS keyId,
  created_at AS createdAt, created_by AS createdBy, removed_at AS removedAt FROM org_keys`;

const STATUS_SQL: Record<OrgKeyStatus, string> = {
  active: "removed_at IS NULL",
  removed: "removed_at IS NOT NULL",
};

/** OrgKeyRepo over bun:sqlite (table org_keys, migration 005). */
export class SqliteOrgKeyRepo implements Sync<OrgKeyRepo> {
  constructor(private readonly db: Database) {}

  insertKey(k: Omit<OrgKeyRecord, "removedAt">): void {
    this.db
      .query("INSERT INTO org_keys (id, org_id, name, algorithm, public_key_pem, key_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(k.id, k.orgId, k.name, k.algorithm, k.publicKeyPem, k.keyId, k.createdAt, k.createdBy);
  }

  findLiveByName(orgId: string, name: string): OrgKeyRecord | undefined {
    return (this.db.query(`${SELECT} WHERE org_id = ? AND name = ? AND removed_at IS NULL`).get(orgId, name) as OrgKeyRecord | null) ?? undefined;
  }

  findLiveByKeyId(orgId: string, keyId: string): OrgKeyRecord | undefined {
    return (this.db.query(`${SELECT} WHERE org_id = ? AND key_id = ? AND removed_at IS NULL`).get(orgId, keyId) as OrgKeyRecord | null) ?? undefined;
  }

  liveKeys(orgId: string): OrgKeyRecord[] {
    return this.db.query(`${SELECT} WHERE org_id = ? AND removed_at IS NULL ORDER BY name`).all(orgId) as OrgKeyRecord[];
  }

  listKeys(q: OrgKeyQuery): OrgKeyRecord[] {
    const where = ["org_id = ?"];
    const args: (string | number)[] = [q.orgId];
    if (q.status) where.push(STATUS_SQL[q.status]);
    if (q.after) {
      where.push("(name > ? OR (name = ? AND id > ?))");
      args.push(q.after.name, q.after.name, q.after.id);
    }
    return this.db.query(`${SELECT} WHERE ${where.join(" AND ")} ORDER BY name, id LIMIT ?`).all(...args, q.limit) as OrgKeyRecord[];
  }

  removeKey(id: string, now: string): void {
    this.db.query("UPDATE org_keys SET removed_at = ? WHERE id = ? AND removed_at IS NULL").run(now, id);
  }
}
