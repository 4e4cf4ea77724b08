import type { PgDatabase } from "./database.ts";

/**
 * `store fsck`'s database check on PostgreSQL, in place of SQLite's `PRAGMA integrity_check`: indexes left invalid
 * (a failed CREATE INDEX CONCURRENTLY, a crash mid-build), and, when the amcheck extension is installed in the
 * database (`CREATE EXTENSION amcheck`, by a superuser), every B-tree index of the schema checked against itself with
 * bt_index_check. [] when nothing is found; at most `max` messages.
 */
export async function integrityCheck(db: PgDatabase, max = 20): Promise<string[]> {
  const limit = Math.max(1, Math.floor(max));
  const messages = (await db.query<{ name: string }>(`SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND NOT i.indisvalid ORDER BY 1`)).map((r) => `index ${r.name} is invalid (rebuild it with REINDEX)`);
  const [amcheck] = await db.query("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'");
  if (!amcheck) return messages.slice(0, limit);
  const indexes = await db.query<{ name: string }>(`SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am a ON a.oid = c.relam WHERE c.relnamespace = current_schema()::regnamespace AND a.amname = 'btree' AND i.indisvalid ORDER BY 1`);
  for (const { name } of indexes) {
    if (messages.length >= limit) break;
    try {
      // Its own (sub)transaction: a failed check must not abort a transaction the caller holds.
      await db.transaction(() => db.query("SELECT bt_index_check(to_regclass(quote_ident($1)))", [name]));
    } catch (e) {
      messages.push(`index ${name}: ${(e as Error).message}`);
    }
  }
  return messages.slice(0, limit);
}
