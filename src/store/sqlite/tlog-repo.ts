import type { Database } from "bun:sqlite";
import type { Sync } from "../async-port.ts";
import { LogGrew, type NewLogEntries, type StoredCheckpoint, type TlogRepo } from "../tlog-port.ts";

const bytes = (v: unknown): Uint8Array => (v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBuffer));
const checkpointOf = (r: { size: number; root: unknown; note: string; created_at: string } | null): StoredCheckpoint | undefined =>
  r ? { size: r.size, root: bytes(r.root), note: r.note, createdAt: r.created_at } : undefined;

/** TlogRepo over bun:sqlite (migration 013). */
export class SqliteTlogRepo implements Sync<TlogRepo> {
  constructor(private readonly db: Database) {}

  size(): number {
    const r = this.db.query("SELECT max(idx) AS m FROM tlog_entries").get() as { m: number | null };
    return r.m === null ? 0 : r.m + 1;
  }

  tile(level: number, index: number): Uint8Array | undefined {
    const r = this.db.query("SELECT hashes FROM tlog_tiles WHERE level = ? AND idx = ?").get(level, index) as { hashes: unknown } | null;
    return r ? bytes(r.hashes) : undefined;
  }

  bodies(from: number, to: number): Uint8Array[] {
    const rows = this.db.query("SELECT body FROM tlog_entries WHERE idx >= ? AND idx < ? ORDER BY idx").all(from, to) as { body: unknown }[];
    return rows.map((r) => bytes(r.body));
  }

  indexOfBody(bodyHash: Uint8Array): number | undefined {
    const r = this.db.query("SELECT idx FROM tlog_entries WHERE body_sha256 = ?").get(bodyHash) as { idx: number } | null;
    return r?.idx;
  }

  latestCheckpoint(): StoredCheckpoint | undefined {
    return checkpointOf(this.db.query("SELECT size, root, note, created_at FROM tlog_checkpoints ORDER BY size DESC LIMIT 1").get() as never);
  }

  checkpointAt(size: number): StoredCheckpoint | undefined {
    return checkpointOf(this.db.query("SELECT size, root, note, created_at FROM tlog_checkpoints WHERE size = ?").get(size) as never);
  }

  append(size: number, batch: NewLogEntries, now: string): void {
    const insertEntry = this.db.query("INSERT INTO tlog_entries (idx, body, body_sha256, created_at) VALUES (?, ?, ?, ?)");
    const upsertTile = this.db.query("INSERT INTO tlog_tiles (level, idx, hashes) VALUES (?, ?, ?) ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes");
    const insertCheckpoint = this.db.query("INSERT INTO tlog_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)");
    this.db.transaction(() => {
      if (this.size() !== size) throw new LogGrew(size, this.size());
      batch.bodies.forEach((body, i) => insertEntry.run(size + i, body, batch.bodyHashes[i]!, now));
      for (const t of batch.tiles) upsertTile.run(t.level, t.index, t.data);
      const c = batch.checkpoint;
      insertCheckpoint.run(c.size, c.root, c.note, c.createdAt);
    })();
  }
}
