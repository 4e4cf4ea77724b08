import { CairnError } from "../../errors.ts";
import type { AttestedRunRow, BlobRefSource, NewToken, OrgRecord, OrgRepo, ReferencedBlob, TokenQuery, TokenRecord, TokenStatus } from "../org-port.ts";
import type { Async } from "./async.ts";
import type { PgDatabase } from "./database.ts";
import { lockName } from "./locks.ts";
import { integrityCheck } from "./integrity.ts";

/** Channel of the revocation notices: payload = the token id (servers drop it from their caches at once). */
export const TOKEN_REVOKED_CHANNEL = "cairn_token_revoked";

const ORG_SELECT = `SELECT id, name, created_at AS "createdAt" FROM organizations`;
const TOKEN_SELECT = `SELECT t.id, t.org_id AS "orgId", o.name AS "orgName", t.name, t.description, t.project_id AS "projectId",
  t.workflow_id AS "workflowId", t.is_admin AS admin, t.role, t.created_by AS "createdBy", p.name AS project, w.name AS workflow,
  (w.deleted_at IS NOT NULL) AS "workflowDeleted", t.created_at AS "createdAt", t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt",
  t.last_used_at AS "lastUsedAt"
  FROM api_tokens t JOIN organizations o ON o.id = t.org_id LEFT JOIN projects p ON p.id = t.project_id LEFT JOIN workflows w ON w.id = t.workflow_id`;

/** SQL for each status; `$now` is replaced by the current time's placeholder. */
const STATUS_SQL: Record<TokenStatus, string> = {
  active: "t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $now)",
  revoked: "t.revoked_at IS NOT NULL",
  expired: "t.revoked_at IS NULL AND t.expires_at IS NOT NULL AND t.expires_at <= $now",
};

const withNow = (sql: string, placeholder: string) => sql.replaceAll("$now", () => placeholder);

// Keyset pages over each referencing table by its seq (SQLite's rowid) or id: no cursor held open.
const REF_SOURCES: { source: BlobRefSource; sql: string }[] = [
  { source: "attestation", sql: `SELECT seq AS k, digest, run_id AS "runId", org_id AS "orgId" FROM attestations WHERE seq > $1 ORDER BY seq LIMIT $2` },
  { source: "upload", sql: "SELECT seq AS k, digest FROM uploads WHERE seq > $1 ORDER BY seq LIMIT $2" },
  { source: "referrer", sql: "SELECT id AS k, digest FROM referrers WHERE downloadable AND id > $1 ORDER BY id LIMIT $2" },
];
const REF_PAGE = 1000;

const ATTESTED_RUNS = `SELECT r.seq AS k, r.id, r.org_id AS "orgId", r.state, r.attestation_digest AS "attestationDigest", w.name AS workflow, p.name AS project
  FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
  WHERE r.attestation_digest IS NOT NULL AND r.seq > $1 ORDER BY r.seq LIMIT $2`;

// `org_id IN (all orgs)` lets the (org_id, digest…) unique indexes serve a lookup by digest alone, as in SQLite.
const IS_REFERENCED = `SELECT EXISTS (SELECT 1 FROM attestations WHERE digest = $1)
  OR EXISTS (SELECT 1 FROM uploads WHERE org_id IN (SELECT id FROM organizations) AND digest = $1)
  OR EXISTS (SELECT 1 FROM referrers WHERE org_id IN (SELECT id FROM organizations) AND digest = $1 AND downloadable) AS hit`;

/** OrgRepo over PostgreSQL (same tables as SQLite's, ./migrations/001-baseline.ts). */
export class PgOrgRepo implements Async<OrgRepo> {
  constructor(private readonly db: PgDatabase) {}

  /** A taken name is ALREADY_EXISTS (the message createOrg gives), also when a concurrent create won the race. */
  async insertOrg(name: string, now: string): Promise<OrgRecord> {
    const id = crypto.randomUUID();
    const rows = await this.db.query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id", [id, name, now]);
    if (rows.length === 0) throw new CairnError("ALREADY_EXISTS", `organization ${name} already exists`, { hint: "pick another name, or switch to it with `cairn org set`" });
    return { id, name, createdAt: now };
  }

  async getOrg(name: string): Promise<OrgRecord | undefined> {
    return (await this.db.query<OrgRecord>(`${ORG_SELECT} WHERE name = $1`, [name]))[0];
  }

  async listOrgs(limit: number, afterName = ""): Promise<OrgRecord[]> {
    return this.db.query<OrgRecord>(`${ORG_SELECT} WHERE name > $1 ORDER BY name LIMIT $2`, [afterName, limit]);
  }

  async currentOrg(): Promise<string | undefined> {
    return (await this.db.query<{ value: string }>("SELECT value FROM settings WHERE key = 'current_org'"))[0]?.value;
  }

  async setCurrentOrg(name: string): Promise<void> {
    await this.db.query("INSERT INTO settings (key, value) VALUES ('current_org', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [name]);
  }

  async findProject(orgId: string, name: string): Promise<{ id: string; name: string } | undefined> {
    return (await this.db.query<{ id: string; name: string }>("SELECT id, name FROM projects WHERE org_id = $1 AND name = $2", [orgId, name]))[0];
  }

  /**
   * No unique index can say "one live token per name" (liveness moves with the clock), so the insert holds the name's
   * lock (as findLiveTokenByName does) and refuses a live namesake: ALREADY_EXISTS, the message createToken gives.
   */
  async insertToken(t: NewToken): Promise<void> {
    await this.db.transaction(async () => {
      if (await this.findLiveTokenByName(t.orgId, t.name, t.createdAt)) {
        throw new CairnError("ALREADY_EXISTS", `an active API token named ${t.name} already exists`, { hint: "pick another name, or revoke the old token first" });
      }
      await this.db.query(
        `INSERT INTO api_tokens (id, org_id, name, description, project_id, workflow_id, token_hash, created_at, expires_at, is_admin, role, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [t.id, t.orgId, t.name, t.description, t.projectId, t.workflowId, t.tokenHash, t.createdAt, t.expiresAt, t.admin === true, t.role, t.createdBy],
      );
    });
  }

  async getToken(orgId: string, id: string): Promise<TokenRecord | undefined> {
    return (await this.db.query<TokenRecord>(`${TOKEN_SELECT} WHERE t.org_id = $1 AND t.id = $2`, [orgId, id]))[0];
  }

  async findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    return (await this.db.query<TokenRecord>(`${TOKEN_SELECT} WHERE t.token_hash = $1`, [tokenHash]))[0];
  }

  /** Inside a transaction, holds the (organization, name) lock until it ends: the create that follows cannot race. */
  async findLiveTokenByName(orgId: string, name: string, now: string): Promise<TokenRecord | undefined> {
    await lockName(this.db, "token", orgId, name);
    const sql = `${TOKEN_SELECT} WHERE t.org_id = $1 AND t.name = $2 AND ${withNow(STATUS_SQL.active, "$3")}`;
    return (await this.db.query<TokenRecord>(sql, [orgId, name, now]))[0];
  }

  async listTokens(q: TokenQuery): Promise<TokenRecord[]> {
    const args: unknown[] = [q.orgId];
    const where = ["t.org_id = $1"];
    const arg = (v: unknown) => `$${args.push(v)}`;
    if (q.status) where.push(q.status === "revoked" ? STATUS_SQL.revoked : withNow(STATUS_SQL[q.status], arg(q.now)));
    if (q.after) {
      const at = arg(q.after.createdAt);
      where.push(`(t.created_at < ${at} OR (t.created_at = ${at} AND t.id < ${arg(q.after.id)}))`);
    }
    return this.db.query<TokenRecord>(`${TOKEN_SELECT} WHERE ${where.join(" AND ")} ORDER BY t.created_at DESC, t.id DESC LIMIT ${arg(q.limit)}`, args);
  }

  /** Revokes once; the first revocation notifies TOKEN_REVOKED_CHANNEL, delivered when its transaction commits. */
  async revokeToken(id: string, now: string): Promise<void> {
    await this.db.transaction(async () => {
      const rows = await this.db.query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id", [now, id]);
      if (rows.length > 0) await this.db.notify(TOKEN_REVOKED_CHANNEL, id);
    });
  }

  async touchToken(id: string, now: string): Promise<void> {
    await this.db.query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", [now, id]);
  }

  async hasAdminToken(): Promise<boolean> {
    return (await this.db.query("SELECT 1 FROM api_tokens WHERE is_admin LIMIT 1")).length > 0;
  }

  async maxBlobBytes(orgId: string): Promise<number | null> {
    return (await this.db.query<{ n: number | null }>("SELECT max_blob_bytes AS n FROM organizations WHERE id = $1", [orgId]))[0]?.n ?? null;
  }

  async setMaxBlobBytes(orgId: string, bytes: number | null): Promise<void> {
    await this.db.query("UPDATE organizations SET max_blob_bytes = $1 WHERE id = $2", [bytes, orgId]);
  }

  async implicitWorkflows(orgId: string): Promise<boolean> {
    const [row] = await this.db.query<{ allowed: boolean }>("SELECT implicit_workflows AS allowed FROM organizations WHERE id = $1", [orgId]);
    return row === undefined || row.allowed;
  }

  async setImplicitWorkflows(orgId: string, allowed: boolean): Promise<void> {
    await this.db.query("UPDATE organizations SET implicit_workflows = $1 WHERE id = $2", [allowed, orgId]);
  }

  /** Read page by page into one array (the port's result is a plain Iterable). */
  async referencedBlobs(): Promise<Iterable<ReferencedBlob>> {
    const out: ReferencedBlob[] = [];
    for (const { source, sql } of REF_SOURCES) {
      for (const r of await this.pages<{ digest: string; runId?: string; orgId?: string }>(sql)) {
        out.push(r.runId && r.orgId ? { digest: r.digest, source, runId: r.runId, orgId: r.orgId } : { digest: r.digest, source });
      }
    }
    return out;
  }

  async isBlobReferenced(digest: string): Promise<boolean> {
    return (await this.db.query<{ hit: boolean }>(IS_REFERENCED, [digest]))[0]!.hit;
  }

  async attestedRuns(): Promise<Iterable<AttestedRunRow>> {
    return this.pages<AttestedRunRow>(ATTESTED_RUNS);
  }

  /** PostgreSQL's equivalent of SQLite's integrity_check (./integrity.ts). */
  integrityCheck(max = 20): Promise<string[]> {
    return integrityCheck(this.db, max);
  }

  /** The rows of a keyset-paged query (`$1`: the last key `k` seen, `$2`: the page size), without their key. */
  private async pages<T>(sql: string): Promise<T[]> {
    const out: T[] = [];
    let after = 0;
    for (;;) {
      const rows = await this.db.query<T & { k: number }>(sql, [after, REF_PAGE]);
      for (const { k: _k, ...r } of rows) out.push(r as T);
      if (rows.length < REF_PAGE) return out;
      after = rows[rows.length - 1]!.k;
    }
  }
}
