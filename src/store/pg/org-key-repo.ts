import { CairnError } from "../../errors.ts";
import type { OrgKeyQuery, OrgKeyRecord, OrgKeyRepo, OrgKeyStatus } from "../org-key-port.ts";
import type { Async } from "./async.ts";
import type { PgDatabase } from "./database.ts";

const SELECT = `SELECT id, org_id AS "orgId", name, algorithm, public_key_pem AS "publicKeyPem", key_id AS "keyId",
  created_at AS "createdAt", created_by AS "createdBy", removed_at AS "removedAt" FROM org_keys`;

const STATUS_SQL: Record<OrgKeyStatus, string> = {
  active: "removed_at IS NULL",
  removed: "removed_at IS NOT NULL",
};

/** OrgKeyRepo over PostgreSQL (table org_keys; partial unique indexes on the live name and the live key id). */
export class PgOrgKeyRepo implements Async<OrgKeyRepo> {
  constructor(private readonly db: PgDatabase) {}

  /**
   * A live key of the same name or key id is ALREADY_EXISTS with addOrgKey's messages, also when a concurrent add
   * won the race: ON CONFLICT DO NOTHING waits for the other insert to commit and leaves this transaction usable.
   */
  async insertKey(k: Omit<OrgKeyRecord, "removedAt">): Promise<void> {
    const rows = await this.db.query(
      `INSERT INTO org_keys (id, org_id, name, algorithm, public_key_pem, key_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING RETURNING id`,
      [k.id, k.orgId, k.name, k.algorithm, k.publicKeyPem, k.keyId, k.createdAt, k.createdBy],
    );
    if (rows.length === 1) return;
    const [org] = await this.db.query<{ name: string }>("SELECT name FROM organizations WHERE id = $1", [k.orgId]);
    const orgName = org?.name ?? k.orgId;
    if (await this.findLiveByName(k.orgId, k.name)) {
      throw new CairnError("ALREADY_EXISTS", `a key named ${k.name} is already registered in organization ${orgName}`, {
        hint: "pick another --name, or remove the old key first with `cairn org key remove`",
      });
    }
    const same = await this.findLiveByKeyId(k.orgId, k.keyId);
    if (same) {
      throw new CairnError("ALREADY_EXISTS", `this key is already registered in organization ${orgName} as ${same.name}`, {
        hint: "a key is registered once; `cairn org key list` shows it",
      });
    }
    throw new CairnError("ALREADY_EXISTS", `an organization key with id ${k.id} already exists`, { hint: "give each key a new id" });
  }

  async findLiveByName(orgId: string, name: string): Promise<OrgKeyRecord | undefined> {
    return (await this.db.query<OrgKeyRecord>(`${SELECT} WHERE org_id = $1 AND name = $2 AND removed_at IS NULL`, [orgId, name]))[0];
  }

  async findLiveByKeyId(orgId: string, keyId: string): Promise<OrgKeyRecord | undefined> {
    return (await this.db.query<OrgKeyRecord>(`${SELECT} WHERE org_id = $1 AND key_id = $2 AND removed_at IS NULL`, [orgId, keyId]))[0];
  }

  async liveKeys(orgId: string): Promise<OrgKeyRecord[]> {
    return this.db.query<OrgKeyRecord>(`${SELECT} WHERE org_id = $1 AND removed_at IS NULL ORDER BY name`, [orgId]);
  }

  async listKeys(q: OrgKeyQuery): Promise<OrgKeyRecord[]> {
    const args: unknown[] = [q.orgId];
    const arg = (v: unknown) => `$${args.push(v)}`;
    const where = ["org_id = $1"];
    if (q.status) where.push(STATUS_SQL[q.status]);
    if (q.after) {
      const name = arg(q.after.name);
      where.push(`(name > ${name} OR (name = ${name} AND id > ${arg(q.after.id)}))`);
    }
    return this.db.query<OrgKeyRecord>(`${SELECT} WHERE ${where.join(" AND ")} ORDER BY name, id LIMIT ${arg(q.limit)}`, args);
  }

  async removeKey(id: string, now: string): Promise<void> {
    await this.db.query("UPDATE org_keys SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL", [now, id]);
  }
}
