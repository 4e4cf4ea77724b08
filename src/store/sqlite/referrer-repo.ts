import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import type { AttestationGraph, ReferrerNode } from "../../crafter/referrers.ts";
import type { ReferrerRepo, Scope, StoredReferrer } from "../ports.ts";

interface Row {
  id: number;
  digest: string;
  kind: string;
  downloadable: number;
  metadata: string;
  created_at: string;
}

const toNode = (r: Row): StoredReferrer => ({
  id: r.id,
  digest: r.digest,
  kind: r.kind,
  downloadable: r.downloadable === 1,
  metadata: JSON.parse(r.metadata) as Record<string, string>,
  createdAt: r.created_at,
});

/**
 * A scope's visibility of node `n`: it is the node of an attestation whose run is in the scope, or such an
 * attestation references it. Both probes use indexes (the attestations primary key, referrer_edges_to).
 */
function visibleIn(n: string, scope: Scope | undefined): { sql: string; params: string[] } {
  if (!scope) return { sql: "", params: [] };
  const conds: string[] = [];
  const params: string[] = [];
  if (scope.projectId !== undefined) conds.push("sw.project_id = ?"), params.push(scope.projectId);
  if (scope.workflowId !== undefined) conds.push("sa.workflow_id = ?"), params.push(scope.workflowId);
  const inScope = conds.map((c) => ` AND ${c}`).join("");
  // Any attestation stored for a run of the scope: its cairn attestation and what accompanies it (SLSA provenance).
  const runOf = (a: string) =>
    `SELECT 1 FROM attestations sa JOIN workflows sw ON sw.id = sa.workflow_id WHERE sa.digest = ${a}.digest AND sa.org_id = ${a}.org_id${inScope}`;
  const sql = ` AND ((${n}.kind = 'ATTESTATION' AND EXISTS (${runOf(n)}))
    OR EXISTS (SELECT 1 FROM referrer_edges se JOIN referrers a ON a.id = se.from_id WHERE se.to_id = ${n}.id AND a.kind = 'ATTESTATION' AND EXISTS (${runOf("a")})))`;
  return { sql, params: [...params, ...params] };
}

/** The referrer graph in SQLite: nodes unique per (org, digest, kind), edges from an attestation to what it references. */
export class SqliteReferrerRepo implements Sync<ReferrerRepo> {
  constructor(private readonly db: Database) {}

  /** Idempotent: indexing the same attestation twice changes nothing. Call inside the push transaction. */
  index(orgId: string, graph: AttestationGraph, now: string): void {
    const from = this.upsert(orgId, graph.attestation, now, true);
    const edge = this.db.query("INSERT OR IGNORE INTO referrer_edges (from_id, to_id) VALUES (?, ?)");
    for (const n of graph.references) edge.run(from, this.upsert(orgId, n, now, false));
  }

  /** Every node with this digest in the organization (one per kind). */
  find(orgId: string, digest: string, scope?: Scope): StoredReferrer[] {
    const v = visibleIn("n", scope);
    const sql = `SELECT n.* FROM referrers n WHERE n.org_id = ? AND n.digest = ?${v.sql} ORDER BY n.kind`;
    return (this.db.query(sql).all(orgId, digest, ...v.params) as Row[]).map(toNode);
  }

  /** Nodes this one references (attestation → materials) or that reference it, in id order after `afterId`. */
  neighbours(nodeId: number, direction: "references" | "referredBy", limit: number, afterId = 0, scope?: Scope): StoredReferrer[] {
    const v = visibleIn("r", scope);
    const sql =
      direction === "references"
        ? `SELECT r.* FROM referrer_edges e JOIN referrers r ON r.id = e.to_id WHERE e.from_id = ? AND e.to_id > ?${v.sql} ORDER BY e.to_id LIMIT ?`
        : `SELECT r.* FROM referrer_edges e JOIN referrers r ON r.id = e.from_id WHERE e.to_id = ? AND e.from_id > ?${v.sql} ORDER BY e.from_id LIMIT ?`;
    return (this.db.query(sql).all(nodeId, afterId, ...v.params, limit) as Row[]).map(toNode);
  }

  attestationsReferencing(orgId: string, digest: string, limit: number, scope?: Scope): { digest: string; predicateType: string }[] {
    const v = visibleIn("a", scope);
    const sql = `SELECT DISTINCT a.id, a.digest, coalesce(json_extract(a.metadata, '$.predicateType'), '') AS predicateType
      FROM referrers n JOIN referrer_edges e ON e.to_id = n.id JOIN referrers a ON a.id = e.from_id
      WHERE n.org_id = ? AND n.digest = ? AND a.kind = 'ATTESTATION'${v.sql} ORDER BY a.id LIMIT ?`;
    return (this.db.query(sql).all(orgId, digest, ...v.params, limit) as { digest: string; predicateType: string }[]).map((r) => ({ digest: r.digest, predicateType: r.predicateType }));
  }

  private upsert(orgId: string, n: ReferrerNode, now: string, authoritative: boolean): number {
    // An attestation's own node carries its metadata; a node first seen as a reference gains it when indexed itself.
    const row = this.db
      .query(
        `INSERT INTO referrers (org_id, digest, kind, downloadable, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (org_id, digest, kind) DO UPDATE SET
           downloadable = max(downloadable, excluded.downloadable),
           metadata = CASE WHEN ? THEN excluded.metadata ELSE metadata END
         RETURNING id`,
      )
      .get(orgId, n.digest, n.kind, n.downloadable ? 1 : 0, JSON.stringify(n.metadata), now, authoritative ? 1 : 0) as { id: number };
    return row.id;
  }
}
