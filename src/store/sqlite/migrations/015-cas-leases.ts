import type { Migration } from "./index.ts";

/**
 * What keeps `store gc` off blobs nothing references yet (src/store/cas-lease-port.ts): an ingest's lease, held
 * by the writing process (pid, host and boot, so its death can be proved), and the materials an open crafting run
 * stored, whichever state file the run's job uses. Both are dropped once their owner is provably gone.
 */
export const casLeases: Migration = {
  name: "015-cas-leases",
  up(db) {
    db.exec(`
      CREATE TABLE cas_ingest_leases (
        digest TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        boot TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (digest, pid, host, boot)
      ) WITHOUT ROWID;
      CREATE TABLE crafting_refs (
        run_id TEXT NOT NULL,
        digest TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, digest)
      ) WITHOUT ROWID;
      CREATE INDEX crafting_refs_digest ON crafting_refs (digest);
    `);
  },
};
