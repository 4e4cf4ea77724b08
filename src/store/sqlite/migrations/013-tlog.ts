import type { Migration } from "./index.ts";

/**
 * The transparency log: entries by index (their canonicalized bodies), the tiles of the Merkle tree (C2SP
 * tlog-tiles: level, tile index, concatenated hashes), and every checkpoint ever signed. Entries and checkpoints
 * refuse UPDATE and DELETE; a tile may only grow (a partial tile is extended, never rewritten). The triggers keep
 * honest code honest; an intruder who drops them is what `cairn log monitor` is for.
 */
export const tlog: Migration = {
  name: "013-tlog",
  up(db) {
    db.exec(`
      CREATE TABLE tlog_entries (
        idx INTEGER PRIMARY KEY,
        body BLOB NOT NULL,
        body_sha256 BLOB NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX tlog_entries_body ON tlog_entries (body_sha256);
      CREATE TABLE tlog_tiles (
        level INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        hashes BLOB NOT NULL,
        PRIMARY KEY (level, idx)
      ) WITHOUT ROWID;
      CREATE TABLE tlog_checkpoints (
        size INTEGER PRIMARY KEY,
        root BLOB NOT NULL,
        note TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TRIGGER tlog_entries_no_update BEFORE UPDATE ON tlog_entries BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
      CREATE TRIGGER tlog_entries_no_delete BEFORE DELETE ON tlog_entries BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
      CREATE TRIGGER tlog_checkpoints_no_update BEFORE UPDATE ON tlog_checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
      CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
      CREATE TRIGGER tlog_tiles_only_grow BEFORE UPDATE ON tlog_tiles
        WHEN length(NEW.hashes) < length(OLD.hashes) OR substr(NEW.hashes, 1, length(OLD.hashes)) <> OLD.hashes
        BEGIN SELECT RAISE(ABORT, 'a tile may only grow'); END;
      CREATE TRIGGER tlog_tiles_no_delete BEFORE DELETE ON tlog_tiles BEGIN SELECT RAISE(ABORT, 'tiles are append-only'); END;
    `);
  },
};
