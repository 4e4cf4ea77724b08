import type { CasLeaseRepo } from "../cas-lease-port.ts";
import { selfWriter, type WriterId } from "../cas/writer.ts";
import type { PgDatabase } from "./database.ts";

type OwnerRow = WriterId & { digest: string };

const OPEN_REF = "SELECT 1 AS open FROM crafting_refs c JOIN workflow_runs r ON r.id = c.run_id WHERE c.digest = $1 AND r.state = 'initialized' LIMIT 1";

/**
 * SQLite's BEGIN IMMEDIATE, across replicas: exclusive() holds this advisory lock exclusively for its transaction,
 * and every lease (hold, referFromRun) is written holding it shared. Leases do not wait for each other; a lease waits
 * while gc checks and unlinks, and gc waits for the leases already being written to commit.
 */
const CAS_LEASE_LOCK = "hashtextextended('cas/leases', 0)";

/** CasLeaseRepo over PostgreSQL (tables cas_ingest_leases and crafting_refs of the baseline). */
export class PgLeaseRepo implements CasLeaseRepo {
  constructor(private readonly db: PgDatabase) {}

  /** Lease times are the OS clock's, as the file times gc compares them with. Taken again: one lease, renewed. */
  async hold(digest: string): Promise<void> {
    const w = selfWriter();
    await this.shared(() =>
      this.db.query(
        `INSERT INTO cas_ingest_leases (digest, pid, host, boot, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (digest, pid, host, boot) DO UPDATE SET created_at = excluded.created_at`,
        [digest, w.pid, w.host, w.boot, new Date().toISOString()],
      ),
    );
  }

  /** Only a run of this store: a state initialized against another home protects nothing here. */
  async referFromRun(runId: string, digest: string, now: string): Promise<void> {
    await this.shared(() =>
      this.db.query(
        `INSERT INTO crafting_refs (run_id, digest, created_at) SELECT $1::text, $2::text, $3::text WHERE EXISTS (SELECT 1 FROM workflow_runs WHERE id = $1::text)
         ON CONFLICT DO NOTHING`,
        [runId, digest, now],
      ),
    );
  }

  /** fn runs inside the transaction: its queries (isLeased, the lease tables) see and keep what the lock protects. */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.db.transaction(async () => {
      await this.db.query(`SELECT 1 AS locked FROM pg_advisory_xact_lock(${CAS_LEASE_LOCK})`);
      return fn();
    });
  }

  async isLeased(digest: string, since: string, alive: (owner: WriterId) => boolean): Promise<boolean> {
    if ((await this.db.query(OPEN_REF, [digest])).length > 0) return true;
    const owners = await this.db.query<WriterId>(`SELECT pid, host, boot FROM cas_ingest_leases WHERE digest = $1 AND created_at >= $2`, [digest, since]);
    return owners.some(alive);
  }

  async prune(since: string, dead: (owner: WriterId) => boolean): Promise<{ ingests: number; refs: number }> {
    return this.db.transaction(async () => {
      const old = await this.db.query(`DELETE FROM cas_ingest_leases WHERE created_at < $1 RETURNING digest`, [since]);
      let ingests = old.length;
      const rows = await this.db.query<OwnerRow>("SELECT digest, pid, host, boot FROM cas_ingest_leases");
      for (const r of rows.filter((r) => dead(r))) {
        const gone = await this.db.query("DELETE FROM cas_ingest_leases WHERE digest = $1 AND pid = $2 AND host = $3 AND boot = $4 RETURNING digest", [r.digest, r.pid, r.host, r.boot]);
        ingests += gone.length;
      }
      const refs = await this.db.query(
        "DELETE FROM crafting_refs c WHERE NOT EXISTS (SELECT 1 FROM workflow_runs r WHERE r.id = c.run_id AND r.state = 'initialized') RETURNING c.digest",
      );
      return { ingests, refs: refs.length };
    });
  }

  private shared<T>(write: () => Promise<T>): Promise<T> {
    return this.db.transaction(async () => {
      await this.db.query(`SELECT 1 AS locked FROM pg_advisory_xact_lock_shared(${CAS_LEASE_LOCK})`);
      return write();
    });
  }
}
