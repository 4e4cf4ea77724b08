import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import type { AttestedRunRow, BlobRefSource, ReferencedBlob, NewToken, OrgRecord, OrgRepo, TokenQuery, TokenRecord, TokenStatus } from "../org-port.ts";

interface TokenRow extends Omit<TokenRecord, "workflowDeleted" | "admin"> {
  workflowDeleted: number;
  admin: number;
}

const ORG_SELECT = "SELECT id, name, created_at AS createdAt FROM organizations";
const TOKEN_SELECT = `SELECT t.id, t.org_id AS orgId, o.name AS orgName, t.name, t.description, t.project_id AS projectId,
  t.workflow_id AS workflowId, t.is_admin AS admin, t.role, t.created_by AS createdBy, p.name AS project, w.name AS workflow, (w.deleted_at IS NOT NULL) AS workflowDeleted, t.created_at AS createdAt,
  t.expires_at AS expiresAt, t.revoked_at AS revokedAt, t.last_used_at AS lastUsedAt
  FROM api_tokens t JOIN organizations o ON o.id = t.org_id LEFT JOIN projects p ON p.id = t.project_id LEFT JOIN workflows w ON w.id = t.workflow_id`;

/** SQL for each status; a `?` is the current time. */
const STATUS_SQL: Record<TokenStatus, string> = {
  active: "t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)",
  revoked: "t.revoked_at IS NOT NULL",
  expired: "t.revoked_at IS NULL AND t.expires_at IS NOT NULL AND t.expires_at <= ?",
};

// Keyset pages over each referencing table, by rowid: cheap however large the table, and no cursor held open.
const REF_SOURCES: { source: BlobRefSource; sql: string }[] = [
  { source: "attestation", sql: "SELECT rowid AS k, digest, run_id AS runId, org_id AS orgId FROM attestations WHERE rowid > ? ORDER BY rowid LIMIT ?" },
  { source: "upload", sql: "SELECT rowid AS k, digest FROM uploads WHERE rowid > ? ORDER BY rowid LIMIT ?" },
  { source: "referrer", sql: "SELECT id AS k, digest FROM referrers WHERE downloadable = 1 AND id > ? ORDER BY id LIMIT ?" },
];
const REF_PAGE = 1000;

const ATTESTED_RUNS = `SELECT r.rowid AS k, r.id, r.org_id AS orgId, r.state, r.attestation_digest AS attestationDigest, w.name AS workflow, p.name AS project
  FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
  WHERE r.attestation_digest IS NOT NULL AND r.rowid > ? ORDER BY r.rowid LIMIT ?`;

// `org_id IN (all orgs)` lets SQLite use the (org_id, digest…) unique indexes for a lookup by digest alone.
const IS_REFERENCED = `SELECT EXISTS (SELECT 1 FROM attestations WHERE digest = ?1)
  OR EXISTS (SELECT 1 FROM uploads WHERE org_id IN (SELECT id FROM organizations) AND digest = ?1)
  OR EXISTS (SELECT 1 FROM referrers WHERE org_id IN (SELECT id FROM organizations) AND digest = ?1 AND downloadable = 1) AS hit`;

const toToken = (r: TokenRow): TokenRecord => ({ ...r, workflowDeleted: r.workflowDeleted === 1, admin: r.admin === 1 });

/** OrgRepo over bun:sqlite. */
export class SqliteOrgRepo implements Sync<OrgRepo> {
  constructor(private readonly db: Database) {}

  insertOrg(name: string, now: string): OrgRecord {
    const id = crypto.randomUUID();
    this.db.query("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)").run(id, name, now);
    return { id, name, createdAt: now };
  }

  getOrg(name: string): OrgRecord | undefined {
    return (this.db.query(`${ORG_SELECT} WHERE name = ?`).get(name) as OrgRecord | null) ?? undefined;
  }

  listOrgs(limit: number, afterName = ""): OrgRecord[] {
    return this.db.query(`${ORG_SELECT} WHERE name > ? ORDER BY name LIMIT ?`).all(afterName, limit) as OrgRecord[];
  }

  currentOrg(): string | undefined {
    const row = this.db.query("SELECT value FROM settings WHERE key = 'current_org'").get() as { value: string } | null;
    return row?.value;
  }

  setCurrentOrg(name: string): void {
    this.db.query("INSERT INTO settings (key, value) VALUES ('current_org', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(name);
  }

  findProject(orgId: string, name: string): { id: string; name: string } | undefined {
    const row = this.db.query("SELECT id, name FROM projects WHERE org_id = ? AND name = ?").get(orgId, name);
    return (row as { id: string; name: string } | null) ?? undefined;
  }

  insertToken(t: NewToken): void {
    this.db
      .query(
        `INSERT INTO api_tokens (id, org_id, name, description, project_id, workflow_id, token_hash, created_at, expires_at, is_admin, role, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(t.id, t.orgId, t.name, t.description, t.projectId, t.workflowId, t.tokenHash, t.createdAt, t.expiresAt, t.admin ? 1 : 0, t.role, t.createdBy);
  }

  getToken(orgId: string, id: string): TokenRecord | undefined {
    const row = this.db.query(`${TOKEN_SELECT} WHERE t.org_id = ? AND t.id = ?`).get(orgId, id) as TokenRow | null;
    return row ? toToken(row) : undefined;
  }

  findTokenByHash(tokenHash: string): TokenRecord | undefined {
    const row = this.db.query(`${TOKEN_SELECT} WHERE t.token_hash = ?`).get(tokenHash) as TokenRow | null;
    return row ? toToken(row) : undefined;
  }

  findLiveTokenByName(orgId: string, name: string, now: string): TokenRecord | undefined {
    const row = this.db.query(`${TOKEN_SELECT} WHERE t.org_id = ? AND t.name = ? AND ${STATUS_SQL.active}`).get(orgId, name, now) as TokenRow | null;
    return row ? toToken(row) : undefined;
  }

  listTokens(q: TokenQuery): TokenRecord[] {
    const where = ["t.org_id = ?"];
    const args: (string | number)[] = [q.orgId];
    if (q.status) {
      where.push(STATUS_SQL[q.status]);
      if (q.status !== "revoked") args.push(q.now);
    }
    if (q.after) {
      where.push("(t.created_at < ? OR (t.created_at = ? AND t.id < ?))");
      args.push(q.after.createdAt, q.after.createdAt, q.after.id);
    }
    const sql = `${TOKEN_SELECT} WHERE ${where.join(" AND ")} ORDER BY t.created_at DESC, t.id DESC LIMIT ?`;
    return (this.db.query(sql).all(...args, q.limit) as TokenRow[]).map(toToken);
  }

  revokeToken(id: string, now: string): void {
    this.db.query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(now, id);
  }

  touchToken(id: string, now: string): void {
    this.db.query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(now, id);
  }

  hasAdminToken(): boolean {
    return this.db.query("SELECT 1 FROM api_tokens WHERE is_admin = 1 LIMIT 1").get() !== null;
  }

  setMaxBlobBytes(orgId: string, bytes: number | null): void {
    this.db.query("UPDATE organizations SET max_blob_bytes = ? WHERE id = ?").run(bytes, orgId);
  }

  maxBlobBytes(orgId: string): number | null {
    const row = this.db.query("SELECT max_blob_bytes AS n FROM organizations WHERE id = ?").get(orgId) as { n: number | null } | null;
    return row?.n ?? null;
  }

  implicitWorkflows(orgId: string): boolean {
    const row = this.db.query("SELECT implicit_workflows AS allowed FROM organizations WHERE id = ?").get(orgId) as { allowed: number } | null;
    return row === null || row.allowed === 1;
  }

  setImplicitWorkflows(orgId: string, allowed: boolean): void {
    this.db.query("UPDATE organizations SET implicit_workflows = ? WHERE id = ?").run(allowed ? 1 : 0, orgId);
  }

  *referencedBlobs(): Iterable<ReferencedBlob> {
    for (const { source, sql } of REF_SOURCES) {
      for (const r of this.pages<{ digest: string; runId?: string; orgId?: string }>(sql)) {
        yield r.runId && r.orgId ? { digest: r.digest, source, runId: r.runId, orgId: r.orgId } : { digest: r.digest, source };
      }
    }
  }

  isBlobReferenced(digest: string): boolean {
    return (this.db.query(IS_REFERENCED).get(digest) as { hit: number }).hit === 1;
  }

  attestedRuns(): Iterable<AttestedRunRow> {
    return this.pages<AttestedRunRow>(ATTESTED_RUNS);
  }

  /** The rows of a keyset-paged query (`?1`: the last key `k` seen, `?2`: the page size), without their key. */
  private *pages<T>(sql: string): Iterable<T> {
    const page = this.db.query(sql);
    let after = 0;
    for (;;) {
      const rows = page.all(after, REF_PAGE) as (T & { k: number })[];
      for (const { k: _k, ...r } of rows) yield r as T;
      if (rows.length < REF_PAGE) break;
      after = rows[rows.length - 1]!.k;
    }
  }

  integrityCheck(max = 20): string[] {
    const rows = this.db.query(`PRAGMA integrity_check(${Math.max(1, Math.floor(max))})`).all() as { integrity_check: string }[];
    const messages = rows.map((r) => r.integrity_check);
    return messages.length === 1 && messages[0] === "ok" ? [] : messages;
  }
}
