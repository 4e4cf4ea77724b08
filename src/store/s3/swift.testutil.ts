/**
 * Test support: a real S3-compatible server — OpenStack Swift from Debian's packages (swift-proxy with its s3api
 * middleware and tempauth, plus the account, container and object servers) — on 127.0.0.1, with its configs, rings
 * and storage in a temp dir and one S3 user whose secret is made per start. Every process runs as the current user in
 * the foreground (workers = 0) and `stop()` kills the four of them: no daemon outlives the tests.
 * Without the packages, suites skip (swiftMissing() says why); CAIRN_REQUIRE_S3=1 (set by .ci/run) makes that a failure.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "bun";
import { freeServerPort } from "../../test-helpers.ts";

const BIN = "/usr/bin";
const SERVERS = ["account", "container", "object"] as const;
const MEMCACHED = "/usr/bin/memcached";
const PACKAGES = "swift swift-proxy swift-account swift-container swift-object memcached";

export interface RunningSwift {
  /** http://127.0.0.1:<port> (path-style S3) */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A bucket created at start. */
  bucket: string;
  /** Milliseconds from spawning the servers to the first successful S3 request. */
  startMs: number;
  /** A client with the good credentials, for assertions beside the code under test. */
  client(): S3Client;
  /** The tail of every server's log (for a failing test's message). */
  logs(): string;
  stop(): Promise<void>;
}

/** Why S3 suites cannot run here, or undefined when they can (throws instead under CAIRN_REQUIRE_S3=1). */
export function swiftMissing(): string | undefined {
  const bins = [...["proxy", ...SERVERS].map((s) => `${BIN}/swift-${s}-server`), MEMCACHED].filter((b) => !existsSync(b));
  if (bins.length === 0) return undefined;
  const why = `${bins.join(", ")} missing: S3 tests need OpenStack Swift (apt-get install ${PACKAGES}; .ci/run installs it)`;
  if (process.env.CAIRN_REQUIRE_S3 === "1") throw new Error(why);
  return why;
}

/** Every server process still running, killed when this process exits (a timed-out test run must not leave daemons). */
const live = new Set<{ kill(): void }>();
process.on("exit", () => {
  for (const p of live) p.kill();
});

/** The current user's name for the servers' `user =` (Bun's os.userInfo() answers "unknown" for root here). */
const whoami = () => new TextDecoder().decode(Bun.spawnSync(["id", "-un"]).stdout).trim();

const common = (dir: string, port: number) =>
  `[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = ${port}\nworkers = 0\nuser = ${whoami()}\nswift_dir = ${dir}\n` +
  `devices = ${join(dir, "srv")}\nmount_check = false\nlog_level = WARNING\n`;

function serverConf(dir: string, kind: (typeof SERVERS)[number], port: number): string {
  return `${common(dir, port)}\n[pipeline:main]\npipeline = ${kind}-server\n\n[app:${kind}-server]\nuse = egg:swift#${kind}\n`;
}

/** tempauth keeps its tokens in memcache even for S3 requests, so a memcached runs beside the proxy. */
function proxyConf(dir: string, port: number, memcachePort: number, user: string, secret: string): string {
  const filters = ["catch_errors", "gatekeeper", "healthcheck", "proxy-logging", "listing_formats", "copy", "slo", "dlo"];
  return [
    common(dir, port),
    "[pipeline:main]",
    "pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server",
    "[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true",
    `[filter:tempauth]\nuse = egg:swift#tempauth\nuser_${user.replace(":", "_")} = ${secret} .admin`,
    `[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:${memcachePort}`,
    "[filter:s3api]\nuse = egg:swift#s3api\nlocation = us-east-1",
    ...filters.map((f) => `[filter:${f}]\nuse = egg:swift#${f.replace("-", "_")}`),
    "",
  ].join("\n\n");
}

/** One python process builds the three one-device rings (swift-ring-builder would take nine). */
const RINGS = `
import sys
from swift.common.ring import RingBuilder
d = sys.argv[1]
for name, port in zip(("account", "container", "object"), sys.argv[2:]):
    b = RingBuilder(6, 1, 1)
    b.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": int(port), "device": "d1", "weight": 1, "meta": ""})
    b.rebalance()
    b.get_ring().save("%s/%s.ring.gz" % (d, name))
`;

async function run(cmd: string[]): Promise<void> {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`${cmd[0]} failed (${code}): ${err}`);
}

/**
 * Starts Swift; the caller must `stop()` it (kills every process and removes the storage). A second attempt, on new
 * ports, when the first does not come up (a probed port may be taken before its server binds it).
 */
export async function startSwift(): Promise<RunningSwift> {
  const missing = swiftMissing();
  if (missing) throw new Error(missing);
  try {
    return await startOnce();
  } catch {
    return startOnce();
  }
}

async function startOnce(): Promise<RunningSwift> {
  const dir = mkdtempSync(join(tmpdir(), "cairn-swift-"));
  mkdirSync(join(dir, "srv", "d1"), { recursive: true });
  const ports = { proxy: freeServerPort(), memcached: freeServerPort(), account: freeServerPort(), container: freeServerPort(), object: freeServerPort() };
  const t0 = performance.now();
  const user = "cairn:tester";
  const secret = crypto.randomUUID();
  writeFileSync(join(dir, "swift.conf"), "[swift-hash]\nswift_hash_path_suffix = cairn\nswift_hash_path_prefix = test\n\n[storage-policy:0]\nname = gold\ndefault = yes\n");
  await run(["/usr/bin/python3", "-c", RINGS, dir, String(ports.account), String(ports.container), String(ports.object)]);
  for (const s of SERVERS) writeFileSync(join(dir, `${s}-server.conf`), serverConf(dir, s, ports[s]));
  writeFileSync(join(dir, "proxy-server.conf"), proxyConf(dir, ports.proxy, ports.memcached, user, secret));
  const log = (s: string) => Bun.file(join(dir, `${s}.log`));
  const procs = [
    Bun.spawn([MEMCACHED, "-l", "127.0.0.1", "-p", String(ports.memcached), "-U", "0", "-m", "16", "-u", whoami()], { stdout: log("memcached"), stderr: log("memcached") }),
    // --verbose: the servers log to their stdout as well as syslog, so a failed start shows why (unbuffered: a server
    // stuck before its first flush left an empty log)
    ...(["proxy", ...SERVERS] as const).map((s) => Bun.spawn([`${BIN}/swift-${s}-server`, join(dir, `${s}-server.conf`), "--verbose"], { stdout: log(s), stderr: log(s), env: { ...process.env, PYTHONUNBUFFERED: "1" } })),
  ];
  for (const p of procs) live.add(p);
  const stop = async () => {
    for (const p of procs) p.kill();
    await Promise.all(procs.map((p) => p.exited));
    for (const p of procs) live.delete(p);
    rmSync(dir, { recursive: true, force: true });
  };
  const endpoint = `http://127.0.0.1:${ports.proxy}`;
  const bucket = "cairn-evidence";
  const client = () => new S3Client({ endpoint, region: "us-east-1", accessKeyId: user, secretAccessKey: secret, bucket });
  try {
    await waitForBucket(endpoint, user, secret, bucket, procs, dir);
    await waitForWrites(client(), procs, dir);
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, region: "us-east-1", accessKeyId: user, secretAccessKey: secret, bucket, startMs: Math.round(performance.now() - t0), client, logs: () => logsOf(dir), stop };
}

/** Until the proxy answers and the backends take a bucket; a 4xx (bad signature, bad config) fails at once. */
async function waitForBucket(endpoint: string, user: string, secret: string, bucket: string, procs: { exitCode: number | null }[], dir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = "";
  while (Date.now() < deadline) {
    if (procs.some((p) => p.exitCode !== null)) break;
    let res: Response | undefined;
    try {
      res = await createBucket(endpoint, user, secret, bucket);
    } catch (e) {
      last = (e as Error).message; // not listening yet
    }
    if (res?.ok) return;
    if (res) {
      last = `PUT /${bucket}: ${res.status} ${(await res.text()).slice(0, 400)}`;
      if (res.status < 500) break;
    }
    await Bun.sleep(50);
  }
  throw new Error(`Swift did not take a bucket within 30 s (last answer: ${last}; exits ${procs.map((p) => p.exitCode).join(",")}):\n${logsOf(dir)}`);
}

/** The first S3 writes after the bucket is made can still answer 503 (the container not yet seen by every server). */
async function waitForWrites(client: S3Client, procs: { exitCode: number | null }[], dir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.write(".cairn-probe", "probe");
      await client.delete(".cairn-probe");
      return;
    } catch (e) {
      if (Date.now() > deadline || procs.some((p) => p.exitCode !== null)) throw new Error(`Swift's S3 API refused a write: ${(e as Error).message}\n${logsOf(dir)}`);
    }
    await Bun.sleep(50);
  }
}

/**
 * Bun's S3Client has no CreateBucket, so the bucket is made as what s3api serves it from: a Swift container, through
 * Swift's own API (a tempauth token, then PUT /v1/AUTH_<account>/<bucket>).
 */
export async function createBucket(endpoint: string, user: string, secret: string, bucket: string): Promise<Response> {
  const auth = await fetch(`${endpoint}/auth/v1.0`, { headers: { "X-Auth-User": user, "X-Auth-Key": secret } });
  const token = auth.headers.get("x-auth-token");
  const storage = auth.headers.get("x-storage-url");
  if (!auth.ok || !token || !storage) return auth;
  return fetch(`${storage}/${bucket}`, { method: "PUT", headers: { "X-Auth-Token": token } });
}

const logsOf = (dir: string) => ["memcached", "proxy", ...SERVERS].map((s) => `${s}: ${readLog(join(dir, `${s}.log`))}`).join("\n");
const readLog = (p: string) => (existsSync(p) ? readFileSync(p, "utf8").slice(-1500) : "");
