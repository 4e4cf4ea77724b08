import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import type { CasMapping, CasMappingRepo } from "../cas-mapping-port.ts";
import type { Scope } from "../ports.ts";

/** The mappings a scope sees, as conditions after `org_id = ? AND digest = ?` (served by the cas_mappings_key index). */
function visibleTo(scope: Scope | undefined): { sql: string; params: string[] } {
  const conds: string[] = [];
  const params: string[] = [];
  if (scope?.projectId !== undefined) conds.push(" AND project_id = ?"), params.push(scope.projectId);
  if (scope?.workflowId !== undefined) conds.push(" AND workflow_id = ?"), params.push(scope.workflowId);
  return { sql: conds.join(""), params };
}

/** CasMappingRepo over bun:sqlite (table cas_mappings, migration 012). */
export class SqliteCasMappingRepo implements Sync<CasMappingRepo> {
  constructor(private readonly db: Database) {}

  record(m: CasMapping): void {
    const workflowId = m.scope?.workflowId ?? null;
    let projectId = m.scope?.projectId ?? null;
    if (workflowId !== null) {
      // A workflow mapping always names the workflow's own project, so a project scope sees it too.
      const row = this.db.query("SELECT project_id AS p FROM workflows WHERE id = ? AND org_id = ?").get(workflowId, m.orgId) as { p: string } | null;
      if (!row || (projectId !== null && projectId !== row.p)) throw new Error(`CAS mapping: workflow ${workflowId} is not in ${projectId ? `project ${projectId} of ` : ""}organization ${m.orgId}`);
      projectId = row.p;
    }
    this.db
      .query(
        `INSERT INTO cas_mappings (org_id, digest, project_id, workflow_id, source, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(m.orgId, m.digest, projectId, workflowId, m.source, m.name ?? null, m.createdAt);
  }

  holds(orgId: string, digest: string, scope?: Scope): boolean {
    const v = visibleTo(scope);
    return this.db.query(`SELECT 1 FROM cas_mappings WHERE org_id = ? AND digest = ?${v.sql} LIMIT 1`).get(orgId, digest, ...v.params) !== null;
  }

  nameFor(orgId: string, digest: string, scope?: Scope): string | undefined {
    const v = visibleTo(scope);
    const sql = `SELECT name FROM cas_mappings WHERE org_id = ? AND digest = ?${v.sql} AND name IS NOT NULL ORDER BY created_at, id LIMIT 1`;
    const row = this.db.query(sql).get(orgId, digest, ...v.params) as { name: string } | null;
    return row?.name;
  }
}
