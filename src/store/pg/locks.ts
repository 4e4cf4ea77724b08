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

/** lockName without the wait: true when this transaction now holds the name, false when another transaction does. */
export async function tryLockName(db: PgDatabase, ...parts: string[]): Promise<boolean> {
  const [row] = await db.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok", [parts.join("/")]);
  return row!.ok;
}

/**
 * Runs fn holding the name's session lock on a connection of its own (fn's queries use the pool, and may span many
 * transactions); released when fn settles, or by the server when that connection drops. When another session holds
 * it, fn does not run: the answer is when that session took it, if pg_stat_activity shows it (its last query is the
 * lock's: the connection does nothing else), else null.
 */
export async function aloneOnName<T>(db: PgDatabase, name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false; since: string | null }> {
  const conn = await db.reserve();
  try {
    const [row] = await conn.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok", [name]);
    if (!row!.ok) return { ran: false, since: await lockedSince(conn, name) };
    try {
      return { ran: true, value: await fn() };
    } finally {
      await conn.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [name]);
    }
  } finally {
    await conn.release();
  }
}

/** A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low 32 bits), objsubid 1. */
const HOLDER = `SELECT to_char(a.query_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0) LIMIT 1`;

async function lockedSince(conn: { query<T>(text: string, params?: unknown[]): Promise<T[]> }, name: string): Promise<string | null> {
  const [row] = await conn.query<{ since: string | null }>(HOLDER, [name]);
  return row?.since ?? null;
}
