/**
 * Test support: ONE throwaway PostgreSQL cluster per test process (pg.testutil.ts uses it when CAIRN_TEST_DATABASE_URL
 * is not set): initdb into a temp dir, postgres on 127.0.0.1 with trust auth and durability off, run as the `postgres`
 * OS user when we are root (postgres refuses root), stopped (`pg_ctl stop -m immediate`) and removed once the test
 * process is gone.
 */
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../test-helpers.ts";

/** The newest /usr/lib/postgresql/N/bin holding postgres. */
export function pgBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "postgres"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

/** Milliseconds the cluster took from initdb to accepting connections (undefined: none started). */
export let clusterStartMs: number | undefined;

const isRoot = () => process.getuid?.() === 0;
const asOwner = (cmd: string[]) => (isRoot() ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd);

/** A server certificate and key (PEM) to turn TLS on with. */
export interface ClusterTls {
  cert: string;
  key: string;
}

/** Starts a cluster (TLS on with `tls`); resolves with a superuser URL of its `postgres` database. */
export async function startCluster(bin: string, tls?: ClusterTls): Promise<string> {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "cairn-pg-"));
  if (isRoot()) chownSync(dir, idOf("-u", "postgres"), idOf("-g", "postgres"));
  const data = join(dir, "data");
  const log = join(dir, "log");
  await run(asOwner([`${bin}/initdb`, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]));
  if (tls) {
    for (const [file, pem] of [["server.crt", tls.cert], ["server.key", tls.key]] as const) writeOwned(join(data, file), pem);
  }
  whenGone(`${asOwner([`${bin}/pg_ctl`, "stop", "-D", data, "-m", "immediate", "-s"]).map(sh).join(" ")}; rm -rf ${sh(dir)}`);
  const port = freePort();
  const options = `-h 127.0.0.1 -p ${port} -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200${tls ? " -c ssl=on" : ""}`;
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
 * Runs a shell command once this process is gone. bun test emits neither `exit` nor `beforeExit` (measured on 1.4.5),
 * and a killed run emits nothing: a watchdog in its own session polls this process's pid.
 */
export function whenGone(command: string): void {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.2; done; ${command}`;
  Bun.spawn(["setsid", "sh", "-c", script], { stdio: ["ignore", "ignore", "ignore"] }).unref();
}

/** A shell word. */
export const sh = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

async function run(cmd: string[]): Promise<void> {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} failed (${code}): ${err}${out}`);
}

/** A file only the cluster's owner may read (postgres refuses a key others can read). */
function writeOwned(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  if (isRoot()) chownSync(path, idOf("-u", "postgres"), idOf("-g", "postgres"));
}

const idOf = (flag: string, user: string) => Number(new TextDecoder().decode(Bun.spawnSync(["id", flag, user]).stdout).trim());
