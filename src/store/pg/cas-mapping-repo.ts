import type { CasMapping, CasMappingRepo } from "../cas-mapping-port.ts";
import type { Scope } from "../ports.ts";
import type { PgDatabase } from "./database.ts";

/** The mappings a scope sees, as conditions after `org_id = $1 AND digest = $2` (the key index's prefix). */
function visibleTo(scope: Scope | undefined): { sql: string; params: string[] } {
  const conds: string[] = [];
  const params: string[] = [];
  if (scope?.projectId !== undefined) params.push(scope.projectId), conds.push(` AND project_id = $${params.length + 2}`);
  if (scope?.workflowId !== undefined) params.push(scope.workflowId), conds.push(` AND workflow_id = $${params.length + 2}`);
  return { sql: conds.join(""), params };
}

/** CasMappingRepo over PostgreSQL (table cas_mappings of the baseline). */
export class PgCasMappingRepo implements CasMappingRepo {
  constructor(private readonly db: PgDatabase) {}

  async record(m: CasMapping): Promise<void> {
    const workflowId = m.scope?.workflowId ?? null;
    let projectId = m.scope?.projectId ?? null;
    if (workflowId !== null) {
      // A workflow mapping always names the workflow's own project, so a project scope sees it too.
      const [row] = await this.db.query<{ p: string }>("SELECT project_id AS p FROM workflows WHERE id = $1 AND org_id = $2", [workflowId, m.orgId]);
      if (!row || (projectId !== null && projectId !== row.p)) throw new Error(`CAS mapping: workflow ${workflowId} is not in ${projectId ? `project ${projectId} of ` : ""}organization ${m.orgId}`);
      projectId = row.p;
    }
    // Idempotent under concurrent recorders too: the unique key makes the second insert do nothing.
    await this.db.query(
      `INSERT INTO cas_mappings (org_id, digest, project_id, workflow_id, source, name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING`,
      [m.orgId, m.digest, projectId, workflowId, m.source, m.name ?? null, m.createdAt],
    );
  }

  async holds(orgId: string, digest: string, scope?: Scope): Promise<boolean> {
    const v = visibleTo(scope);
    return (await this.db.query(`SELECT 1 AS held FROM cas_mappings WHERE org_id = $1 AND digest = $2${v.sql} LIMIT 1`, [orgId, digest, ...v.params])).length > 0;
  }

  async nameFor(orgId: string, digest: string, scope?: Scope): Promise<string | undefined> {
    const v = visibleTo(scope);
    const sql = `SELECT name FROM cas_mappings WHERE org_id = $1 AND digest = $2${v.sql} AND name IS NOT NULL ORDER BY created_at, id LIMIT 1`;
    const [row] = await this.db.query<{ name: string }>(sql, [orgId, digest, ...v.params]);
    return row?.name;
  }
}
