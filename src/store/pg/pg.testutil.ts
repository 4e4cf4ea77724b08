/**
 * Test support: a fresh PostgreSQL database per call. With CAIRN_TEST_DATABASE_URL (set by .ci/run, which starts one
 * cluster for the whole run) each database is created on that server; without it on one throwaway cluster per test
 * process (pg-cluster.testutil.ts). Migrated databases are copies of a template migrated once per process
 * (CREATE DATABASE … TEMPLATE), so a suite pays ~0.25 s per database, not a migration each. Whatever this process
 * created and did not drop (a failed test, a killed run) is dropped by a reaper once the process is gone.
 * Without PostgreSQL, suites skip (testDatabase() answers undefined, pgMissing() says why); CAIRN_REQUIRE_PG=1 makes
 * that a failure.
 */
import { SQL } from "bun";
import { openPgDatabase, type PgDatabase } from "./database.ts";
import { migratePg } from "./migrate.ts";
import { pgBin, sh, startCluster, whenGone } from "./pg-cluster.testutil.ts";
import { parseDatabaseUrl } from "./url.ts";

export { clusterStartMs } from "./pg-cluster.testutil.ts";

export interface TestDatabase {
  /** postgres://…/cairn_test_… of the fresh database. */
  url: string;
  /** Open on it (migrated to the latest schema unless { migrate: false }). */
  db: PgDatabase;
  /** Closes db and drops the database. */
  drop(): Promise<void>;
}

/** Why PostgreSQL suites cannot run here, or undefined when they can (throws instead under CAIRN_REQUIRE_PG=1). */
export function pgMissing(): string | undefined {
  if (process.env.CAIRN_TEST_DATABASE_URL || pgBin()) return undefined;
  const why = "no /usr/lib/postgresql/*/bin/postgres and no CAIRN_TEST_DATABASE_URL: PostgreSQL tests need a server (apt-get install postgresql; .ci/run installs it)";
  if (process.env.CAIRN_REQUIRE_PG === "1") throw new Error(why);
  return why;
}

/** A fresh, uniquely named database; undefined only when pgMissing() says PostgreSQL is absent. */
export async function testDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase | undefined> {
  if (pgMissing()) return undefined;
  const server = await (serverP ??= serverUrl());
  const template = opts.migrate === false ? "template1" : await (templateP ??= migratedTemplate(server));
  const name = nextName();
  await admin(server).unsafe(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  const url = databaseUrl(server, name);
  const db = openPgDatabase(parseDatabaseUrl(url), { max: 4 });
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await db.close();
    await admin(server).unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  return { url, db, drop };
}

/** Every database this process makes is named cairn_test_<tag>_<n>: the reaper drops them by that prefix. */
const TAG = `cairn_test_${crypto.randomUUID().slice(0, 8)}`;
let counter = 0;
const nextName = () => `${TAG}_${++counter}`;

let serverP: Promise<string> | undefined;
let templateP: Promise<string> | undefined;
let adminSql: SQL | undefined;
const admin = (server: string) => (adminSql ??= new SQL(server, { max: 2, idleTimeout: 5 }));

function databaseUrl(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.href;
}

async function serverUrl(): Promise<string> {
  const given = process.env.CAIRN_TEST_DATABASE_URL;
  const server = given ?? (await startCluster(pgBin()!));
  if (given) reapWhenGone(given);
  return server;
}

/** A database at the latest schema, with no connection left to it (a template must have none to be copied). */
async function migratedTemplate(server: string): Promise<string> {
  const name = `${nextName()}_template`;
  await admin(server).unsafe(`CREATE DATABASE ${name}`);
  const db = openPgDatabase(parseDatabaseUrl(databaseUrl(server, name)), { max: 1 });
  try {
    await migratePg(db, name);
  } finally {
    await db.close();
  }
  return name;
}

/** On a server that outlives the run (CAIRN_TEST_DATABASE_URL): this process's leftovers are dropped after it. */
function reapWhenGone(server: string): void {
  const script = `const sql = new Bun.SQL(process.env.URL); const tag = process.env.TAG;
    const rows = await sql.unsafe("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [tag + "_"]);
    for (const r of rows) await sql.unsafe("DROP DATABASE IF EXISTS " + r.datname + " WITH (FORCE)");
    await sql.close();`;
  whenGone(`URL=${sh(server)} TAG=${TAG} ${sh(process.execPath)} -e ${sh(script)}`);
}
