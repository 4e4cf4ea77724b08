import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import type { PolicyRepo, PolicyRevisionInfo, PolicyRevisionRecord, PolicySummary } from "../policy-port.ts";

const SELECT = `SELECT id, org_id AS orgId, name, revision, description, source, digest, content_digest AS contentDigest,
  created_at AS createdAt FROM policy_revisions`;

// Per name: the latest revision's row (the UNIQUE (org_id, name, revision) index serves both lookups).
const LIST = `SELECT p.name, p.description, p.revision AS latestRevision, p.digest, p.created_at AS updatedAt,
  (SELECT min(created_at) FROM policy_revisions f WHERE f.org_id = p.org_id AND f.name = p.name) AS createdAt
  FROM policy_revisions p
  WHERE p.org_id = ? AND p.name > ?
    AND p.revision = (SELECT max(revision) FROM policy_revisions m WHERE m.org_id = p.org_id AND m.name = p.name)
  ORDER BY p.name LIMIT ?`;

/** PolicyRepo over bun:sqlite (table policy_revisions, migration 008). */
export class SqlitePolicyRepo implements Sync<PolicyRepo> {
  constructor(private readonly db: Database) {}

  latest(orgId: string, name: string): PolicyRevisionRecord | undefined {
    const sql = `${SELECT} WHERE org_id = ? AND name = ? ORDER BY revision DESC LIMIT 1`;
    return (this.db.query(sql).get(orgId, name) as PolicyRevisionRecord | null) ?? undefined;
  }

  revision(orgId: string, name: string, revision: number): PolicyRevisionRecord | undefined {
    const sql = `${SELECT} WHERE org_id = ? AND name = ? AND revision = ?`;
    return (this.db.query(sql).get(orgId, name, revision) as PolicyRevisionRecord | null) ?? undefined;
  }

  listRevisions(orgId: string, name: string): PolicyRevisionInfo[] {
    const sql = "SELECT revision, digest, created_at AS createdAt FROM policy_revisions WHERE org_id = ? AND name = ? ORDER BY revision";
    return this.db.query(sql).all(orgId, name) as PolicyRevisionInfo[];
  }

  insertRevision(r: PolicyRevisionRecord): void {
    this.db
      .query(
        `INSERT INTO policy_revisions (id, org_id, name, revision, description, source, digest, content_digest, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.id, r.orgId, r.name, r.revision, r.description, r.source, r.digest, r.contentDigest, r.createdAt);
  }

  listPolicies(orgId: string, limit: number, afterName = ""): PolicySummary[] {
    return this.db.query(LIST).all(orgId, afterName, limit) as PolicySummary[];
  }
}
