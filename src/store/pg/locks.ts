import type { PgDatabase } from "./database.ts";

/**
 * Takes a transaction-scoped advisory lock on a name (`kind/part/part…`) and holds it until the transaction ends:
 * what makes a read that decides a later write (a free token name, the next policy revision) safe when no unique
 * index can: a second transaction waits here until the first commits, then reads what it wrote. Its own statement,
 * so the read after it takes a fresh snapshot (READ COMMITTED). Outside a transaction it is released at once.
 */
export async function lockName(db: PgDatabase, ...parts: string[]): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [parts.join("/")]);
}
