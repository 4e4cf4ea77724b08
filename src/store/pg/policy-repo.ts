import { CairnError } from "../../errors.ts";
import type { PolicyRepo, PolicyRevisionInfo, PolicyRevisionRecord, PolicySummary } from "../policy-port.ts";
import type { Async } from "./async.ts";
import type { PgDatabase } from "./database.ts";
import { lockName } from "./locks.ts";

const SELECT = `SELECT id, org_id AS "orgId", name, revision, description, source, digest, content_digest AS "contentDigest",
  created_at AS "createdAt" FROM policy_revisions`;

// Per name: the latest revision's row (the UNIQUE (org_id, name, revision) index serves both lookups).
const LIST = `SELECT p.name, p.description, p.revision AS "latestRevision", p.digest, p.created_at AS "updatedAt",
  (SELECT min(created_at) FROM policy_revisions f WHERE f.org_id = p.org_id AND f.name = p.name) AS "createdAt"
  FROM policy_revisions p
  WHERE p.org_id = $1 AND p.name > $2
    AND p.revision = (SELECT max(revision) FROM policy_revisions m WHERE m.org_id = p.org_id AND m.name = p.name)
  ORDER BY p.name LIMIT $3`;

/** PolicyRepo over PostgreSQL (table policy_revisions). */
export class PgPolicyRepo implements Async<PolicyRepo> {
  constructor(private readonly db: PgDatabase) {}

  /**
   * The newest revision decides the next one (addPolicyText), so inside a transaction this holds the (organization,
   * name) lock until it ends: a concurrent add of the same name waits, then reads the revision this one wrote.
   */
  async latest(orgId: string, name: string): Promise<PolicyRevisionRecord | undefined> {
    await lockName(this.db, "policy", orgId, name);
    return (await this.db.query<PolicyRevisionRecord>(`${SELECT} WHERE org_id = $1 AND name = $2 ORDER BY revision DESC LIMIT 1`, [orgId, name]))[0];
  }

  async revision(orgId: string, name: string, revision: number): Promise<PolicyRevisionRecord | undefined> {
    return (await this.db.query<PolicyRevisionRecord>(`${SELECT} WHERE org_id = $1 AND name = $2 AND revision = $3`, [orgId, name, revision]))[0];
  }

  async listRevisions(orgId: string, name: string): Promise<PolicyRevisionInfo[]> {
    const sql = `SELECT revision, digest, created_at AS "createdAt" FROM policy_revisions WHERE org_id = $1 AND name = $2 ORDER BY revision`;
    return this.db.query<PolicyRevisionInfo>(sql, [orgId, name]);
  }

  /** A revision number already taken (an add that did not read latest() in its transaction lost a race): ALREADY_EXISTS. */
  async insertRevision(r: PolicyRevisionRecord): Promise<void> {
    const rows = await this.db.query(
      `INSERT INTO policy_revisions (id, org_id, name, revision, description, source, digest, content_digest, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (org_id, name, revision) DO NOTHING RETURNING id`,
      [r.id, r.orgId, r.name, r.revision, r.description, r.source, r.digest, r.contentDigest, r.createdAt],
    );
    if (rows.length === 0) {
      throw new CairnError("ALREADY_EXISTS", `policy ${r.name} already has a revision ${r.revision} (added at the same time by another request)`, {
        hint: "add the policy again: it gets the next revision, or none if its content is already stored",
      });
    }
  }

  async listPolicies(orgId: string, limit: number, afterName = ""): Promise<PolicySummary[]> {
    return this.db.query<PolicySummary>(LIST, [orgId, afterName, limit]);
  }
}
