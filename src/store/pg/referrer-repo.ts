import type { AttestationGraph, ReferrerNode } from "../../crafter/referrers.ts";
import type { ReferrerRepo, Scope, StoredReferrer } from "../ports.ts";
import type { PgDatabase } from "./database.ts";
import { flag, num } from "./rows.ts";

interface Row {
  id: number | string;
  digest: string;
  kind: string;
  downloadable: boolean | number;
  metadata: string | Record<string, string>;
  created_at: string;
}

const NODE_COLUMNS = "n.id, n.digest, n.kind, n.downloadable, n.metadata, n.created_at";

const toNode = (r: Row): StoredReferrer => ({
  id: num(r.id),
  digest: r.digest,
  kind: r.kind,
  downloadable: flag(r.downloadable),
  metadata: typeof r.metadata === "string" ? (JSON.parse(r.metadata) as Record<string, string>) : r.metadata,
  createdAt: r.created_at,
});

/**
 * A scope's visibility of node `n` (as the SQLite adapter's visibleIn): the node of an attestation whose run is in the
 * scope, or a node such an attestation references. Parameters are numbered from `next`.
 */
function visibleIn(n: string, scope: Scope | undefined, next: number): { sql: string; params: string[] } {
  if (!scope) return { sql: "", params: [] };
  const conds: string[] = [];
  const params: string[] = [];
  if (scope.projectId !== undefined) conds.push(`sw.project_id = $${next + params.length}`), params.push(scope.projectId);
  if (scope.workflowId !== undefined) conds.push(`sa.workflow_id = $${next + params.length}`), params.push(scope.workflowId);
  const inScope = conds.map((c) => ` AND ${c}`).join("");
  const runOf = (a: string) =>
    `SELECT 1 FROM attestations sa JOIN workflows sw ON sw.id = sa.workflow_id WHERE sa.digest = ${a}.digest AND sa.org_id = ${a}.org_id${inScope}`;
  const sql = ` AND ((${n}.kind = 'ATTESTATION' AND EXISTS (${runOf(n)}))
    OR EXISTS (SELECT 1 FROM referrer_edges se JOIN referrers a ON a.id = se.from_id WHERE se.to_id = ${n}.id AND a.kind = 'ATTESTATION' AND EXISTS (${runOf("a")})))`;
  return { sql, params };
}

/** The referrer graph in PostgreSQL: nodes unique per (org, digest, kind), edges from an attestation to what it references. */
export class PgReferrerRepo implements ReferrerRepo {
  constructor(private readonly db: PgDatabase) {}

  /**
   * Idempotent. Nodes are upserted in the graph's order (so ids grow in the order SQLite gives them); each upsert locks
   * its row to the end of the push transaction, so two pushes sharing nodes in different orders can deadlock, and
   * PostgreSQL then fails one of them (40P01).
   */
  async index(orgId: string, graph: AttestationGraph, now: string): Promise<void> {
    const from = await this.upsert(orgId, graph.attestation, now, true);
    for (const n of graph.references) {
      const to = await this.upsert(orgId, n, now, false);
      await this.db.query("INSERT INTO referrer_edges (from_id, to_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [from, to]);
    }
  }

  async find(orgId: string, digest: string, scope?: Scope): Promise<StoredReferrer[]> {
    const v = visibleIn("n", scope, 3);
    const sql = `SELECT ${NODE_COLUMNS} FROM referrers n WHERE n.org_id = $1 AND n.digest = $2${v.sql} ORDER BY n.kind`;
    return (await this.db.query<Row>(sql, [orgId, digest, ...v.params])).map(toNode);
  }

  async neighbours(nodeId: number, direction: "references" | "referredBy", limit: number, afterId = 0, scope?: Scope): Promise<StoredReferrer[]> {
    const v = visibleIn("n", scope, 4);
    const [near, far] = direction === "references" ? ["e.from_id", "e.to_id"] : ["e.to_id", "e.from_id"];
    const sql = `SELECT ${NODE_COLUMNS} FROM referrer_edges e JOIN referrers n ON n.id = ${far}
      WHERE ${near} = $1 AND ${far} > $2${v.sql} ORDER BY ${far} LIMIT $3`;
    return (await this.db.query<Row>(sql, [nodeId, afterId, limit, ...v.params])).map(toNode);
  }

  async attestationsReferencing(orgId: string, digest: string, limit: number, scope?: Scope): Promise<{ digest: string; predicateType: string }[]> {
    const v = visibleIn("a", scope, 4);
    const sql = `SELECT DISTINCT a.id, a.digest, coalesce(a.metadata::jsonb ->> 'predicateType', '') AS "predicateType"
      FROM referrers n JOIN referrer_edges e ON e.to_id = n.id JOIN referrers a ON a.id = e.from_id
      WHERE n.org_id = $1 AND n.digest = $2 AND a.kind = 'ATTESTATION'${v.sql} ORDER BY a.id LIMIT $3`;
    const rows = await this.db.query<{ digest: string; predicateType: string }>(sql, [orgId, digest, limit, ...v.params]);
    return rows.map((r) => ({ digest: r.digest, predicateType: r.predicateType }));
  }

  /** An attestation's own node carries its metadata; a node first seen as a reference gains it when indexed itself. */
  private async upsert(orgId: string, n: ReferrerNode, now: string, authoritative: boolean): Promise<number> {
    const rows = await this.db.query<{ id: number | string }>(
      `INSERT INTO referrers AS r (org_id, digest, kind, downloadable, metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (org_id, digest, kind) DO UPDATE SET
         downloadable = r.downloadable OR excluded.downloadable,
         metadata = CASE WHEN $7::boolean THEN excluded.metadata ELSE r.metadata END
       RETURNING r.id`,
      [orgId, n.digest, n.kind, n.downloadable, JSON.stringify(n.metadata), now, authoritative],
    );
    return num(rows[0]!.id);
  }
}
