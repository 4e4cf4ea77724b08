// Verified pushes against a real `cairn serve` (the compiled binary): 16 keep-alive clients POST signed bundles to
// /api/v1/attestations while a 17th client loops on GET /api/v1/discover/{digest}. Runs, materials (in the CAS) and
// signatures are prepared first through the services on the same home, as CI jobs would have done before pushing:
// the timed phase is the server's work only (parse, verify signature, statement schema, CAS check, fsync, SQLite).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { loadConfig } from "../src/config.ts";
import { createAppContext, type AppContext } from "../src/context.ts";
import { buildStatement, serializeStatement } from "../src/crafter/statement.ts";
import { addOrgKey } from "../src/services/control/org-keys.ts";
import { createToken } from "../src/services/control/tokens.ts";
import { uploadArtifact } from "../src/services/control/artifacts.ts";
import { addMaterial } from "../src/services/crafting/add.ts";
import { initAttestation } from "../src/services/crafting/init.ts";
import { StateFile } from "../src/services/state-file.ts";
import { generateKeyPair, publicKeyPem, type KeyPair } from "../src/signing/keys.ts";
import { signStatement } from "../src/signing/sign.ts";
import { median, percentile, record } from "./lib.ts";

const CLIENTS = 16;
/** Pushed before the timed phase: they warm the server up and give the discover client digests that exist. */
const WARMUP = 64;
const TARGET_PER_S = 1000;

export interface Prepared {
  bundle: Uint8Array;
  material: string;
}

export async function benchServePush(work: string, n = Number(process.env.BENCH_SERVE_PUSHES ?? 5000)): Promise<void> {
  console.error(`cairn serve: ${n.toLocaleString("en")} verified pushes from ${CLIENTS} clients (ECDSA P-256, 1 uploaded material each)`);
  const home = join(work, "serve-home");
  const config = loadConfig({ HOME: work, CAIRN_HOME: home }, {}, work, false);
  const app = await createAppContext(config);
  let token: string;
  let prepared: Prepared[];
  try {
    const key = generateKeyPair("ecdsa-p256");
    await addOrgKey(app, { name: "bench", pem: publicKeyPem(key.publicKey), source: "bench" });
    token = (await createToken(app, { name: "bench-push" })).token;
    const t0 = performance.now();
    prepared = await prepare(app, work, key, WARMUP + n);
    record(`serve: prepare ${(WARMUP + n).toLocaleString("en")} runs + signed bundles (untimed)`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await app.close();
  }

  // Flush the preparation's unsynced writes (state and material files) so their writeback does not land in the timed phase.
  Bun.spawnSync(["sync"]);
  const server = await startServe(home, work);
  try {
    const warm = prepared.slice(0, WARMUP);
    await pushAll(server.url, token, warm, CLIENTS);
    const digests = warm.map((p) => p.material);
    const stop = { done: false };
    const discovering = discoverLoop(server.url, token, digests, stop);
    const t0 = performance.now();
    const latencies = await pushAll(server.url, token, prepared.slice(WARMUP), CLIENTS);
    const s = (performance.now() - t0) / 1000;
    stop.done = true;
    const discoverMs = await discovering;
    const rate = n / s;
    record(
      `serve: signed pushes/s, ${CLIENTS} clients (bundles signed beforehand, as clients do)`,
      `${rate.toFixed(0)}/s, p50 ${median(latencies).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      `≥ ${TARGET_PER_S}/s`,
      rate >= TARGET_PER_S,
    );
    record(`serve: discover under that load (${discoverMs.length} lookups)`, `p50 ${median(discoverMs).toFixed(1)} ms, p99 ${percentile(discoverMs, 99).toFixed(1)} ms`);
  } finally {
    await server.stop();
  }
  const stored = storedAttestations(home);
  if (stored !== WARMUP + n) throw new Error(`serve bench: the store holds ${stored} attestations after ${WARMUP + n} pushes answered 201`);
}

/** Per run: its own state file (so inits never replace each other), init, one ARTIFACT added and uploaded, signed. */
export async function prepare(app: AppContext, work: string, key: KeyPair, count: number): Promise<Prepared[]> {
  const dir = join(work, "serve-prep");
  mkdirSync(dir, { recursive: true });
  const out: Prepared[] = [];
  for (let i = 0; i < count; i++) {
    const statePath = join(dir, `state-${i}.json`);
    const deps = { ...app, config: { ...app.config, statePath }, state: new StateFile(statePath) };
    await initAttestation(deps, { workflow: `wf-${i % 10}`, project: "bench", dryRun: false, replace: false });
    const file = join(dir, `material-${i}.bin`);
    writeFileSync(file, `bench material ${i}\n`);
    const [m] = await addMaterial(deps, { name: "binary", kind: "ARTIFACT", value: file, annotations: {}, strict: true });
    await uploadArtifact(deps, { path: file }); // a verified push cites only bytes its organization uploaded (CAS mappings)
    const st = buildStatement(deps.state.read(), { finishedAt: new Date().toISOString(), builderVersion: app.version, annotations: {} });
    out.push({ bundle: await signStatement(serializeStatement(st), key.privateKey), material: m!.digest });
    if ((i + 1) % 1000 === 0) console.error(`  prepared ${(i + 1).toLocaleString("en")}`);
  }
  return out;
}

/** `clients` workers take the next bundle in turn; every push must answer 201. Returns each push's latency (ms). */
export async function pushAll(url: string | string[], token: string, items: Prepared[], clients: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  // Several replicas: client k talks to replica k mod their number (no special routing).
  const worker = async (_: unknown, k: number) => {
    const base = typeof url === "string" ? url : url[k % url.length]!;
    while (next < items.length) {
      const item = items[next++]!;
      const s = performance.now();
      const res = await fetch(`${base}/api/v1/attestations`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: item.bundle,
      });
      const body = await res.text();
      latencies.push(performance.now() - s);
      if (res.status !== 201) throw new Error(`serve bench: push answered ${res.status}, expected 201: ${body.slice(0, 500)}`);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  return latencies;
}

/** One client looking up material digests in turn until told to stop; every lookup must find its attestation. */
async function discoverLoop(url: string, token: string, digests: string[], stop: { done: boolean }): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; !stop.done; i++) {
    const digest = digests[i % digests.length]!;
    const s = performance.now();
    const res = await fetch(`${url}/api/v1/discover/${digest}`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { referredBy?: unknown[] };
    ms.push(performance.now() - s);
    if (res.status !== 200 || !body.referredBy?.length) throw new Error(`serve bench: discover ${digest} answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  }
  return ms;
}

function storedAttestations(home: string): number {
  const db = new Database(join(home, "cairn.db"), { readonly: true });
  try {
    return (db.query("SELECT count(*) AS n FROM attestations").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export interface Serve {
  url: string;
  stop(): Promise<void>;
}

/**
 * dist/cairn serve on a free port of 127.0.0.1. Its stderr (one log line per request) is drained all along, or the
 * pipe would fill and stall the server; only the tail is kept for error messages.
 */
export async function startServe(home: string, cwd: string, env: Record<string, string> = {}): Promise<Serve> {
  const bin = join(import.meta.dir, "..", "dist", "cairn");
  const proc = Bun.spawn([bin, "serve", "--listen", "127.0.0.1:0"], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, CAIRN_HOME: home, ...env },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  let tail = "";
  let url: string | undefined;
  const drained = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) {
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-20_000);
      url ??= /listening on (http:\/\/\S+)/.exec(tail)?.[1];
    }
  })();
  const deadline = Date.now() + 10_000;
  while (!url) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`cairn serve did not start:\n${tail}`);
    await Bun.sleep(20);
  }
  return {
    url,
    stop: async () => {
      proc.kill("SIGTERM");
      const code = await proc.exited;
      await drained;
      if (code !== 0) throw new Error(`cairn serve exited ${code}:\n${tail.slice(-2000)}`);
    },
  };
}
