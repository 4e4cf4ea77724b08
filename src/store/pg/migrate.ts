import { CairnError } from "../../errors.ts";
import { openPgDatabase, type PgDatabase, type PgDatabaseOptions } from "./database.ts";
import { PG_MIGRATIONS, type PgMigration } from "./migrations/index.ts";
import type { DatabaseUrl } from "./url.ts";

/** The advisory lock key every cairn takes to migrate (any int8; this one spells "cairn" in ASCII). */
const SCHEMA_LOCK = 0x636169726e;

/** Opens the PostgreSQL store and brings its schema up to date; the pool is closed again if that fails. */
export async function openPgStore(url: DatabaseUrl, opts: PgDatabaseOptions = {}): Promise<PgDatabase> {
  const db = openPgDatabase(url, opts);
  try {
    await migratePg(db, url.redacted);
    return db;
  } catch (e) {
    await db.close();
    throw e;
  }
}

/**
 * Applies pending migrations in one transaction, under a transaction-scoped advisory lock, so cairns opening one
 * database at once apply each migration once (the others wait, then find nothing to do). Refuses a store written by
 * a newer cairn. Returns the schema version.
 */
export async function migratePg(db: PgDatabase, name = "store", migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number> {
  return db.transaction(async () => {
    await db.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
    await db.query("CREATE TABLE IF NOT EXISTS cairn_schema (version INTEGER NOT NULL)");
    const rows = await db.query<{ version: number }>("SELECT version FROM cairn_schema");
    const current = rows[0]?.version ?? 0;
    const latest = migrations.length;
    if (current > latest) {
      throw new CairnError("STORE_INVALID", `${name} has schema version ${current}, newer than this cairn understands (${latest})`, {
        hint: "upgrade cairn, or point --database at another database",
      });
    }
    if (current === latest) return current;
    for (const m of migrations.slice(current)) await m.up(db);
    if (rows.length === 0) await db.query("INSERT INTO cairn_schema (version) VALUES ($1)", [latest]);
    else await db.query("UPDATE cairn_schema SET version = $1", [latest]);
    return latest;
  });
}

/** The schema version of a store (0 before the first migration). */
export async function pgSchemaVersion(db: PgDatabase): Promise<number> {
  const [row] = await db.query<{ v: number | null }>("SELECT CASE WHEN to_regclass('cairn_schema') IS NULL THEN 0 END AS v");
  if (row?.v === 0) return 0;
  const [s] = await db.query<{ version: number }>("SELECT version FROM cairn_schema");
  return s?.version ?? 0;
}
