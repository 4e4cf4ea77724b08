import { LogGrew, type NewLogEntries, type StoredCheckpoint, type TlogRepo } from "../tlog-port.ts";
import type { PgDatabase } from "./database.ts";
import { lockName } from "./locks.ts";

interface CheckpointRow {
  size: number;
  root: Uint8Array;
  note: string;
  created_at: string;
}

const checkpointOf = (r: CheckpointRow | undefined): StoredCheckpoint | undefined =>
  r ? { size: r.size, root: r.root, note: r.note, createdAt: r.created_at } : undefined;

/** TlogRepo over PostgreSQL (tables tlog_entries, tlog_tiles, tlog_checkpoints of the baseline). */
export class PgTlogRepo implements TlogRepo {
  constructor(private readonly db: PgDatabase) {}

  async size(): Promise<number> {
    const [r] = await this.db.query<{ m: number | null }>("SELECT max(idx) AS m FROM tlog_entries");
    return r?.m == null ? 0 : r.m + 1;
  }

  async tile(level: number, index: number): Promise<Uint8Array | undefined> {
    const [r] = await this.db.query<{ hashes: Uint8Array }>("SELECT hashes FROM tlog_tiles WHERE level = $1 AND idx = $2", [level, index]);
    return r?.hashes;
  }

  async bodies(from: number, to: number): Promise<Uint8Array[]> {
    const rows = await this.db.query<{ body: Uint8Array }>("SELECT body FROM tlog_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx", [from, to]);
    return rows.map((r) => r.body);
  }

  async indexOfBody(bodyHash: Uint8Array): Promise<number | undefined> {
    const [r] = await this.db.query<{ idx: number }>("SELECT idx FROM tlog_entries WHERE body_sha256 = $1", [bodyHash]);
    return r?.idx;
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return checkpointOf((await this.db.query<CheckpointRow>("SELECT size, root, note, created_at FROM tlog_checkpoints ORDER BY size DESC LIMIT 1"))[0]);
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return checkpointOf((await this.db.query<CheckpointRow>("SELECT size, root, note, created_at FROM tlog_checkpoints WHERE size = $1", [size]))[0]);
  }

  /**
   * Serialized on every replica by the advisory lock `tlog/append` (lockName), taken before the size is read: the size
   * checked is the committed one (READ COMMITTED) and no other append commits meanwhile. Of appenders that prepared a batch for the same size, on any replica, the first commits
   * and the others see the grown size and are refused whole, so indexes stay consecutive, each used once.
   */
  async append(size: number, batch: NewLogEntries, now: string): Promise<void> {
    await this.db.transaction(async () => {
      await lockName(this.db, "tlog", "append");
      const current = await this.size();
      if (current !== size) throw new LogGrew(size, current);
      if (batch.bodies.length > 0) {
        await this.db.query(
          `INSERT INTO tlog_entries (idx, body, body_sha256, created_at)
           SELECT $1::bigint + e.i - 1, e.body, e.hash, $4 FROM unnest($2::bytea[], $3::bytea[]) WITH ORDINALITY AS e(body, hash, i)`,
          [size, batch.bodies, batch.bodyHashes, now],
        );
      }
      for (const t of batch.tiles) {
        await this.db.query("INSERT INTO tlog_tiles (level, idx, hashes) VALUES ($1, $2, $3) ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes", [
          t.level,
          t.index,
          t.data,
        ]);
      }
      const c = batch.checkpoint;
      await this.db.query("INSERT INTO tlog_checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4)", [c.size, c.root, c.note, c.createdAt]);
    });
  }
}
