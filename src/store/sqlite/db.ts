import { Database } from "bun:sqlite";
import { CairnError } from "../../errors.ts";
import { MIGRATIONS, type Migration } from "./migrations/index.ts";

/** Opens (creating if needed) the SQLite store and brings its schema up to date. */
export function openDatabase(path: string): Database {
  let db: Database;
  try {
    db = new Database(path, { create: true, strict: true });
  } catch (e) {
    throw new CairnError("STORE_INVALID", `cannot open store database ${path}: ${(e as Error).message}`, {
      hint: "check that CAIRN_HOME (or --home) points to a writable directory",
      cause: e,
    });
  }
  // First: even `journal_mode` needs a lock another process (gc, a push) may hold; without a timeout it fails at once.
  db.exec("PRAGMA busy_timeout=5000");
  // WAL + NORMAL: durable across process crashes, fast enough; measured in ../shared/reference/toolchain.md §3.
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("PRAGMA cache_size=-16000");
  db.exec("PRAGMA foreign_keys=ON");
  migrate(db, path);
  return db;
}

/**
 * Applies pending migrations, each in its own transaction; refuses a store written by a newer cairn.
 * Foreign keys are off while a migration runs (SQLite's procedure for rebuilding a referenced table) and every
 * reference is checked before the migration commits.
 */
export function migrate(db: Database, path = "store", migrations: readonly Migration[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) {
    throw new CairnError(
      "STORE_INVALID",
      `${path} has schema version ${current}, newer than this cairn understands (${latest})`,
      { hint: "upgrade cairn, or point --home at another store" },
    );
  }
  if (current === latest) return;
  db.exec("PRAGMA foreign_keys=OFF");
  try {
    for (let v = current; v < latest; v++) {
      const m = migrations[v]!;
      db.transaction(() => {
        m.up(db);
        const broken = db.query("PRAGMA foreign_key_check").all();
        if (broken.length > 0) throw new CairnError("STORE_INVALID", `migration ${m.name} left ${broken.length} broken references in ${path}`);
        db.exec(`PRAGMA user_version=${v + 1}`);
      })();
    }
  } finally {
    db.exec("PRAGMA foreign_keys=ON");
  }
}

export function schemaVersion(db: Database): number {
  const row = db.query("PRAGMA user_version").get() as { user_version: number };
  return row.user_version;
}
