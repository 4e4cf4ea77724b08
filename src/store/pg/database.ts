import { AsyncLocalStorage } from "node:async_hooks";
import { SQL, type TransactionSQL } from "bun";
import { CairnError } from "../../errors.ts";
import type { DatabaseUrl } from "./url.ts";

/**
 * The PostgreSQL database as the adapters see it: the one file that knows the client library (Bun's built-in SQL).
 * Queries take `$1, $2, …` placeholders. Results are normalised to what bun:sqlite gives the SQLite adapters:
 * int8 (BIGINT, count(*)) as a JS number, bytea as a plain Uint8Array. A query made inside transaction() (in the
 * same async context: services call repos, not a transaction handle) runs on the transaction's connection.
 */
export interface PgDatabase {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Commits when fn resolves, rolls back when it rejects; a nested call is a savepoint of the outer transaction. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Subscribes to a channel (one shared connection, reconnected when it drops); resolves with the unsubscribe.
   * onListen runs once the LISTEN is acknowledged, at first and after every reconnect (notices sent in between are lost).
   */
  listen(channel: string, onPayload: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  /** pg_notify: inside transaction() it is delivered at commit, and never after a rollback. */
  notify(channel: string, payload: string): Promise<void>;
  /** A connection of its own, out of the pool until release(): what a session-scoped lock (pg_try_advisory_lock) needs. */
  reserve(): Promise<PgConnection>;
  close(): Promise<void>;
}

/** One reserved connection: its queries never join a transaction() of the pool. */
export interface PgConnection {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  release(): Promise<void>;
}

export interface PgDatabaseOptions {
  /** Connections in the pool (Bun's default 10). */
  max?: number;
}

const INT8 = 20;
const BYTEA = 17;

type Client = Pick<SQL, "unsafe" | "notify">;
/** An open transaction or savepoint, and the tail of the savepoints started in it. */
interface Frame {
  client: TransactionSQL;
  savepoints: Promise<void>;
}
const noop = () => {};
type Row = Record<string, unknown>;

/** Opens a pool on the URL (connections are made at the first query; a refused one is a NETWORK error). */
export function openPgDatabase(url: DatabaseUrl, opts: PgDatabaseOptions = {}): PgDatabase {
  const sql = new SQL({
    adapter: "postgres",
    hostname: url.hostname,
    port: url.port,
    database: url.database,
    username: url.username,
    password: url.password,
    tls: tlsOption(url),
    max: opts.max ?? 10,
    idleTimeout: 30,
  });
  const context = new AsyncLocalStorage<Frame>();
  const client = (): Client => context.getStore()?.client ?? sql;
  const frame = (client: TransactionSQL): Frame => ({ client, savepoints: Promise.resolve() });
  const translated = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      throw translate(e, url);
    }
  };
  return {
    query: <T>(text: string, params: unknown[] = []) =>
      translated(async () => normalise(await client().unsafe(text, params)) as T[]),
    transaction<T>(fn: () => Promise<T>): Promise<T> {
      const outer = context.getStore();
      if (outer) {
        // The savepoint's own client takes the queries made inside it. Bun runs one savepoint of a transaction at a
        // time or breaks it ("savepoint s1 does not exist"): sibling nested calls (Promise.all) wait their turn.
        const run = outer.savepoints.then(() => outer.client.savepoint((sp) => context.run(frame(sp), fn)) as Promise<T>);
        outer.savepoints = run.then(noop, noop);
        return run;
      }
      return retried(() => translated(() => sql.begin((tx) => context.run(frame(tx), fn)) as Promise<T>));
    },
    async listen(channel, onPayload, onListen) {
      const sub = await translated(() => sql.listen(channel, onPayload, onListen));
      return () => sub.unlisten();
    },
    notify: (channel, payload) => translated(() => client().notify(channel, payload)),
    async reserve() {
      const conn = await translated(() => sql.reserve());
      return {
        query: <T>(text: string, params: unknown[] = []) => translated(async () => normalise(await conn.unsafe(text, params)) as T[]),
        release: () => conn.release(),
      };
    },
    close: () => sql.close({ timeout: 5 }),
  };
}

/** PostgreSQL chose this transaction to end (a deadlock, a serialization failure): running it again is the remedy. */
const RETRYABLE = new Set(["40P01", "40001"]);
const ATTEMPTS = 4;

/** An outermost transaction PostgreSQL aborted as a deadlock victim runs again, after a short random pause. */
async function retried<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has(sqlState(e) ?? "")) throw e;
      await Bun.sleep(5 + Math.random() * 20 * attempt);
    }
  }
}

/** libpq's sslmode and sslrootcert as Bun's tls option (verify-ca: the chain is checked, the host name is not). */
function tlsOption(url: DatabaseUrl): SQL.PostgresOrMySQLOptions["tls"] {
  const ca = url.sslrootcert === undefined ? undefined : Bun.file(url.sslrootcert);
  switch (url.sslmode) {
    case "disable":
    case "prefer":
      return url.sslmode;
    case "require":
      // libpq: with a root certificate, require behaves as verify-ca.
      return ca ? { ca, checkServerIdentity: () => undefined } : "require";
    case "verify-ca":
      return { ...(ca ? { ca } : {}), rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return ca ? { ca } : "verify-full";
  }
}

/** int8 → number (every int8 cairn stores is a count, size, index or sequence, far below 2^53); bytea → Uint8Array. */
function normalise(rows: Row[] & { columns?: { name: string; type: number }[] }): Row[] {
  const cols = (rows.columns ?? []).filter((c) => c.type === INT8 || c.type === BYTEA);
  const out = Array.from(rows);
  if (cols.length === 0) return out;
  for (const row of out) {
    for (const c of cols) {
      const v = row[c.name];
      if (v === null || v === undefined) continue;
      if (c.type === INT8) row[c.name] = Number(v);
      else if (v instanceof Uint8Array) row[c.name] = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    }
  }
  return out;
}

/** Bun's codes for a connection that could not be made or kept: refused, timed out, TLS and certificate checks, auth. */
const CONNECT_FAILURE = /^ERR_POSTGRES_.*(CONNECTION|TLS|SSL|AUTH|TIMEOUT|PASSWORD)|^ERR_TLS_|^ERR_SSL_|CERT|SIGNATURE|^ECONN|^ETIMEDOUT|^ENOTFOUND|^EAI_/;

/** A connection failure becomes a NETWORK error naming the redacted URL; server errors (SQLSTATE in errno) pass. */
function translate(e: unknown, url: DatabaseUrl): unknown {
  if (e instanceof CairnError) return e; // thrown by the body of a transaction
  const code = (e as { code?: unknown } | null)?.code;
  const refused = typeof code === "string" && code !== "ERR_POSTGRES_SERVER_ERROR" && CONNECT_FAILURE.test(code);
  // The server's own refusals at connect: authentication (class 28), no such database, starting up or shutting down.
  if (refused || /^(28|3D000|57P0[1-3])/.test(sqlState(e) ?? "")) {
    return new CairnError("NETWORK", `cannot use the PostgreSQL database ${url.redacted}: ${(e as Error).message} (${sqlState(e) ?? code})`, {
      hint: "check that the server is running and that --database names its host, port, user, password and sslmode",
      cause: e,
    });
  }
  return e;
}

/** The SQLSTATE of a PostgreSQL server error (23505 unique_violation, 40001 serialization_failure, …). */
export function sqlState(e: unknown): string | undefined {
  const errno = (e as { errno?: unknown } | null)?.errno;
  return typeof errno === "string" ? errno : undefined;
}

/** Whether e is a unique violation, optionally of the named constraint or index. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  return sqlState(e) === "23505" && (constraint === undefined || (e as { constraint?: string }).constraint === constraint);
}
