/**
 * Test support: a fresh PostgreSQL database per call. With CAIRN_TEST_DATABASE_URL (set by .ci/run, which starts one
 * cluster for the whole run) each database is created on that server. Without it, ONE throwaway cluster per test
 * process: initdb into a temp dir, postgres on 127.0.0.1 with trust auth and fsync off, run as the `postgres` OS user
 * when we are root (postgres refuses root), stopped (`pg_ctl stop -m immediate`) and removed once the process is gone.
 * Without PostgreSQL binaries, suites skip (testDatabase() answers undefined, pgMissing() says why);
 * CAIRN_REQUIRE_PG=1 makes that a failure.
 */
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { freePort } from "../../test-helpers.ts";
import { openPgDatabase, type PgDatabase } from "./database.ts";
import { migratePg } from "./migrate.ts";
import { parseDatabaseUrl } from "./url.ts";

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
  const server = await (cluster ??= serverUrl());
  const name = `cairn_test_${crypto.randomUUID().replaceAll("-", "")}`;
  await admin(server).unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const db = openPgDatabase(parseDatabaseUrl(url.href), { max: 4 });
  if (opts.migrate !== false) await migratePg(db, name);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await db.close();
    await admin(server).unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  return { url: url.href, db, drop };
}

/** Milliseconds the throwaway cluster took from initdb to accepting connections (undefined: none started). */
export let clusterStartMs: number | undefined;

let cluster: Promise<string> | undefined;
let adminSql: SQL | undefined;
const admin = (server: string) => (adminSql ??= new SQL(server, { max: 2, idleTimeout: 5 }));

function serverUrl(): Promise<string> {
  const given = process.env.CAIRN_TEST_DATABASE_URL;
  return given ? Promise.resolve(given) : startCluster(pgBin()!);
}

/** The newest /usr/lib/postgresql/N/bin holding postgres. */
function pgBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "postgres"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

/** As `postgres` when we are root. */
const asOwner = (cmd: string[]) => (process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd);

async function startCluster(bin: string): Promise<string> {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "cairn-pg-"));
  if (process.getuid?.() === 0) chownSync(dir, uid("postgres"), gid("postgres"));
  const data = join(dir, "data");
  const log = join(dir, "log");
  await run(asOwner([`${bin}/initdb`, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]));
  stopWhenGone(asOwner([`${bin}/pg_ctl`, "stop", "-D", data, "-m", "immediate", "-s"]), dir);
  const port = freePort();
  const options = `-h 127.0.0.1 -p ${port} -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  try {
    await run(asOwner([`${bin}/pg_ctl`, "start", "-D", data, "-l", log, "-w", "-t", "30", "-s", "-o", options]));
  } catch (e) {
    const tail = existsSync(log) ? readFileSync(log, "utf8").slice(-1500) : "";
    throw new Error(`${(e as Error).message}\n${tail}`);
  }
  clusterStartMs = Math.round(performance.now() - t0);
  return `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}

/**
 * bun test emits neither `exit` nor `beforeExit` (measured on 1.4.5), and a killed run emits nothing: a watchdog in
 * its own session polls this process and, once it is gone, stops the cluster and removes its directory.
 */
function stopWhenGone(stop: string[], dir: string): void {
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.2; done; ${stop.map(q).join(" ")}; rm -rf ${q(dir)}`;
  Bun.spawn(["setsid", "sh", "-c", script], { stdio: ["ignore", "ignore", "ignore"] }).unref();
}

async function run(cmd: string[]): Promise<void> {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} failed (${code}): ${err}${out}`);
}

const idOf = (flag: string, user: string) => Number(new TextDecoder().decode(Bun.spawnSync(["id", flag, user]).stdout).trim());
const uid = (user: string) => idOf("-u", user);
const gid = (user: string) => idOf("-g", user);
