import type { Database } from "bun:sqlite";
import type { CasLeaseRepo } from "../cas-lease-port.ts";
import type { Sync } from "../async-port.ts";
import { selfWriter, type WriterId } from "../cas/writer.ts";

type OwnerRow = WriterId & { digest: string };

const OPEN_REF = "SELECT 1 FROM crafting_refs c JOIN workflow_runs r ON r.id = c.run_id WHERE c.digest = ? AND r.state = 'initialized' LIMIT 1";

/** CasLeaseRepo over bun:sqlite (tables cas_ingest_leases and crafting_refs, migration 015). */
export class SqliteLeaseRepo implements Sync<Omit<CasLeaseRepo, "exclusive">> {
  constructor(private readonly db: Database) {}

  /** Lease times are the OS clock's, as the file times gc compares them with. */
  hold(digest: string): void {
    const w = selfWriter();
    this.db
      .query("INSERT OR REPLACE INTO cas_ingest_leases (digest, pid, host, boot, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(digest, w.pid, w.host, w.boot, new Date().toISOString());
  }

  /** Only a run of this store: a state initialized against another home protects nothing here. */
  referFromRun(runId: string, digest: string, now: string): void {
    this.db
      .query("INSERT OR IGNORE INTO crafting_refs (run_id, digest, created_at) SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM workflow_runs WHERE id = ?1)")
      .run(runId, digest, now);
  }

  isLeased(digest: string, since: string, alive: (owner: WriterId) => boolean): boolean {
    if (this.db.query(OPEN_REF).get(digest)) return true;
    const owners = this.db.query("SELECT pid, host, boot FROM cas_ingest_leases WHERE digest = ? AND created_at >= ?").all(digest, since) as WriterId[];
    return owners.some(alive);
  }

  prune(since: string, dead: (owner: WriterId) => boolean): { ingests: number; refs: number } {
    return this.db.transaction(() => {
      let ingests = this.db.query("DELETE FROM cas_ingest_leases WHERE created_at < ?").run(since).changes;
      const rows = this.db.query("SELECT digest, pid, host, boot FROM cas_ingest_leases").all() as OwnerRow[];
      const del = this.db.query("DELETE FROM cas_ingest_leases WHERE digest = ? AND pid = ? AND host = ? AND boot = ?");
      for (const r of rows) if (dead(r)) ingests += del.run(r.digest, r.pid, r.host, r.boot).changes;
      const refs = this.db
        .query("DELETE FROM crafting_refs WHERE NOT EXISTS (SELECT 1 FROM workflow_runs r WHERE r.id = crafting_refs.run_id AND r.state = 'initialized')")
        .run().changes;
      return { ingests, refs };
    })();
  }
}
