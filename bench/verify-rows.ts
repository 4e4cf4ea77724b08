// Row-only attestations for the verify bench: what a push writes (services/crafting/record.ts: the run finished
// with its attestation, the attestation row, its referrer graph, the CAS mappings of the bundle and the material),
// by direct SQL in one transaction per chunk. Every column that is not per row is copied from the first real push
// (runner, policy status, pushed by, predicate type, bundle size, metadata keys), so rows and pushes look alike.
// They have no CAS blobs: verifying the target never reads them.
import { Database } from "bun:sqlite";

export interface RowWorkflow {
  id: string;
  name: string;
  project: string;
  contractName: string;
  contractRevision: number;
}

export interface RowsInput {
  workflows: RowWorkflow[];
  /** Slots [from, to); slot i is at t0 + i × stepMs. Slots with i % 1000 = 500 belong to real pushes and are skipped. */
  from: number;
  to: number;
  t0: number;
  stepMs: number;
}

interface Template {
  org_id: string;
  runner_type: string;
  runner_url: string | null;
  reason: string | null;
  policy_status: string | null;
  pushed_by: string | null;
  predicate_type: string;
  size: number;
  att_meta: string;
  mat_kind: string;
  mat_downloadable: number;
  mat_meta: string;
  mapping_source: string;
}

const TEMPLATE_SQL = `
  SELECT r.org_id, r.runner_type, r.runner_url, r.reason, r.policy_status, r.pushed_by, a.predicate_type, a.size,
    an.metadata AS att_meta, m.kind AS mat_kind, m.downloadable AS mat_downloadable, m.metadata AS mat_meta, cm.source AS mapping_source
  FROM workflow_runs r
  JOIN attestations a ON a.digest = r.attestation_digest
  JOIN referrers an ON an.org_id = a.org_id AND an.digest = a.digest AND an.kind = 'ATTESTATION'
  JOIN referrer_edges e ON e.from_id = an.id
  JOIN referrers m ON m.id = e.to_id
  JOIN cas_mappings cm ON cm.org_id = a.org_id AND cm.digest = a.digest
  ORDER BY r.rowid LIMIT 1`; // the first attested run: always a real push (they come before the first rows)

const sha256 = (s: string) => `sha256:${new Bun.CryptoHasher("sha256").update(s).digest("hex")}`;

/**
 * One connection for the whole generation, its cache large enough for the growing indexes: a connection per chunk
 * would read every index page back from the file (random digests touch them all), which made rows 10× slower.
 */
export class RowWriter {
  private readonly db: Database;

  constructor(dbPath: string) {
    this.db = new Database(dbPath, { strict: true });
    this.db.exec("PRAGMA busy_timeout=5000");
    this.db.exec("PRAGMA foreign_keys=ON");
    this.db.exec("PRAGMA cache_size=-4194304"); // 4 GiB, this connection only
    this.db.exec("PRAGMA mmap_size=17179869184"); // and reads from the file mapped (the pushes' commits reset the cache)
  }

  /** Leaves the store checkpointed (an empty WAL), as seed.ts does. */
  close(): void {
    this.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    this.db.close();
  }

  /** The row-only attestations of slots [from, to), in one transaction. Returns how many it inserted. */
  insert(input: RowsInput): number {
    const db = this.db;
    const t = db.query(TEMPLATE_SQL).get() as Template | null;
    if (!t) throw new Error("verify bench: no real push to copy the rows' shape from (push first)");
    const projectOf = new Map((db.query("SELECT id, project_id FROM workflows").all() as { id: string; project_id: string }[]).map((w) => [w.id, w.project_id]));
    const run = db.query(
      `INSERT INTO workflow_runs (id, org_id, workflow_id, state, reason, runner_type, runner_url, contract_revision_used,
         contract_revision_latest, attestation_digest, created_at, finished_at, policy_status, pushed_by)
       VALUES (?, ?, ?, 'succeeded', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const att = db.query("INSERT INTO attestations (digest, org_id, run_id, workflow_id, predicate_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const node = db.query("INSERT INTO referrers (org_id, digest, kind, downloadable, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    const edge = db.query("INSERT INTO referrer_edges (from_id, to_id) VALUES (?, ?)");
    const mapping = db.query("INSERT INTO cas_mappings (org_id, digest, project_id, workflow_id, source, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const attMeta = JSON.parse(t.att_meta) as Record<string, string>;
    const matMeta = JSON.parse(t.mat_meta) as Record<string, string>;
    // The workflows' run statistics trigger (migration 004) costs ~80 µs a row here: it is dropped for the chunk and
    // its effect applied once per workflow (runs_count + n, last_run_id = the chunk's newest), then recreated as stored.
    const trigger = db.query("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'workflow_runs_stats'").get() as { sql: string } | null;
    if (!trigger) throw new Error("verify bench: the store has no workflow_runs_stats trigger (schema changed?)");
    const stats = new Map<string, { n: number; last: string }>();
    const bump = db.query("UPDATE workflows SET runs_count = runs_count + ?, last_run_id = ? WHERE id = ?");
    let inserted = 0;
    db.transaction(() => {
      db.exec("DROP TRIGGER workflow_runs_stats");
      for (let i = input.from; i < input.to; i++) {
        if (i % 1000 === 500) continue;
        const r = i - Math.floor((i + 499) / 1000); // the row's index among row-only attestations
        const wf = input.workflows[r % input.workflows.length]!;
        const projectId = projectOf.get(wf.id)!;
        const created = new Date(input.t0 + i * input.stepMs).toISOString();
        const pushed = new Date(input.t0 + i * input.stepMs + 2000).toISOString();
        const runId = crypto.randomUUID();
        const digest = sha256(`verify bench attestation ${r}`);
        const material = sha256(`verify bench material ${r}`);
        const name = `${wf.name}-${r}.bin`;
        run.run(runId, t.org_id, wf.id, t.reason, t.runner_type, t.runner_url, wf.contractRevision, wf.contractRevision, digest, created, pushed, t.policy_status, t.pushed_by);
        att.run(digest, t.org_id, runId, wf.id, t.predicate_type, t.size, pushed);
        const meta = { ...attMeta, workflow: wf.name, project: wf.project, contractName: wf.contractName, contractRevision: String(wf.contractRevision), runId, createdAt: pushed };
        const from = node.run(t.org_id, digest, "ATTESTATION", 1, JSON.stringify(meta), pushed).lastInsertRowid;
        const to = node.run(t.org_id, material, t.mat_kind, t.mat_downloadable, JSON.stringify({ ...matMeta, ...(matMeta.name !== undefined && { name }) }), pushed).lastInsertRowid;
        edge.run(from, to);
        mapping.run(t.org_id, digest, projectId, wf.id, t.mapping_source, null, pushed);
        if (t.mat_downloadable) mapping.run(t.org_id, material, projectId, wf.id, t.mapping_source, matMeta.name !== undefined ? name : null, pushed);
        const st = stats.get(wf.id) ?? { n: 0, last: runId };
        stats.set(wf.id, { n: st.n + 1, last: runId }); // slots ascend in time: the latest row is the newest run
        inserted++;
      }
      for (const [id, st] of stats) bump.run(st.n, st.last, id);
      db.exec(trigger.sql);
    })();
    return inserted;
  }
}
