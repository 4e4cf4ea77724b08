// The transparency log's cost and speed:
//  - verified pushes/s from 16 clients against a `cairn serve` with a log (each client logs its signature, then pushes
//    the bundle carrying the entry) vs the same pushes to a server without one, in the same run; target: the log
//    costs at most 20 % (ratio ≥ 0.8).
//  - at 1,000,000 entries: inclusion-proof size, and proof latency (fresh proof from the store + verification) p99 ≤ 5 ms;
//  - `cairn log monitor` over 100,000 new entries ≤ 2 s (the compiled binary, the whole log re-verified).
import { generateKeyPairSync, sign } from "node:crypto";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createAppContext } from "../src/context.ts";
import { addOrgKey } from "../src/services/control/org-keys.ts";
import { createToken } from "../src/services/control/tokens.ts";
import { LogAppender } from "../src/services/tlog/appender.ts";
import { initLogKey, serveLogIdentity } from "../src/services/tlog/identity.ts";
import { generateKeyPair, publicKeyPem } from "../src/signing/keys.ts";
import { leafHash } from "../src/tlog/hash.ts";
import { verifyInclusion } from "../src/tlog/merkle.ts";
import { canonicalBody } from "../src/tlog/rekor/body.ts";
import { hashedRekordRequestFor } from "../src/tlog/rekor/client-request.ts";
import { median, percentile, record, runProcess } from "./lib.ts";
import { prepare, pushAll, startServe, type Prepared } from "./serve-push.ts";

const CLIENTS = 16;

export async function benchTlog(work: string): Promise<void> {
  await benchPushCost(work, Number(process.env.BENCH_TLOG_PUSHES ?? 2000));
  await benchProofs(work, Number(process.env.BENCH_TLOG_ENTRIES ?? 1_000_000));
  await benchMonitor(work, Number(process.env.BENCH_TLOG_MONITOR ?? 100_000));
}

async function benchPushCost(work: string, n: number): Promise<void> {
  const key = generateKeyPair("ecdsa-p256");
  const spki = new Uint8Array(key.publicKey.export({ type: "spki", format: "der" }));
  const homes = { off: join(work, "tlog-off"), on: join(work, "tlog-on") };
  const rates: Record<string, number> = {};
  for (const [mode, home] of Object.entries(homes)) {
    const app = createAppContext(loadConfig({ HOME: work, CAIRN_HOME: home }, {}, work, false));
    let token: string;
    let items: Prepared[];
    try {
      addOrgKey(app, { name: "bench", pem: publicKeyPem(key.publicKey), source: "bench" });
      token = createToken(app, { name: "bench-push" }).token;
      items = await prepare(app, work, key, n + 64);
    } finally {
      app.close();
    }
    if (mode === "on") initLogKey(home, { now: new Date() });
    const server = await startServe(home, work);
    try {
      const push = mode === "on" ? (batch: Prepared[]) => pushLogged(server.url, token, batch, spki) : (batch: Prepared[]) => pushAll(server.url, token, batch, CLIENTS);
      await push(items.slice(0, 64));
      const t0 = performance.now();
      const latencies = await push(items.slice(64));
      rates[mode] = n / ((performance.now() - t0) / 1000);
      record(`tlog: verified pushes/s, ${CLIENTS} clients, log ${mode}`, `${rates[mode]!.toFixed(0)}/s, p50 ${median(latencies).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
    } finally {
      await server.stop();
    }
  }
  const ratio = rates.on! / rates.off!;
  record("tlog: pushes/s with the log / without", `${ratio.toFixed(2)} (the log costs ${((1 - ratio) * 100).toFixed(0)} %)`, "≥ 0.80", ratio >= 0.8);
}

/** Per bundle: log its signature (POST /api/v2/log/entries), put the entry in the bundle, push it. */
async function pushLogged(url: string, token: string, items: Prepared[], spki: Uint8Array): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      const s = performance.now();
      const bundle = JSON.parse(new TextDecoder().decode(item.bundle)) as { verificationMaterial: { tlogEntries?: unknown[] } };
      const logged = await fetch(`${url}/api/v2/log/entries`, { method: "POST", headers, body: JSON.stringify(hashedRekordRequestFor(bundle, { publicKeySpki: spki })) });
      if (logged.status !== 201) throw new Error(`tlog bench: log answered ${logged.status}: ${(await logged.text()).slice(0, 300)}`);
      bundle.verificationMaterial.tlogEntries = [await logged.json()];
      const res = await fetch(`${url}/api/v1/attestations`, { method: "POST", headers, body: JSON.stringify(bundle) });
      const body = await res.text();
      latencies.push(performance.now() - s);
      if (res.status !== 201) throw new Error(`tlog bench: push answered ${res.status}: ${body.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  return latencies;
}

/** A home whose log holds `n` entries, appended in batches of 10,000 as concurrent requests would be. */
async function buildLog(home: string, work: string, n: number): Promise<void> {
  initLogKey(home, { now: new Date() });
  const app = createAppContext(loadConfig({ HOME: work, CAIRN_HOME: home }, {}, work, false));
  try {
    const log = new LogAppender(app.tlog, serveLogIdentity(home, "http://127.0.0.1:9", undefined)!, app.clock);
    log.open();
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    const signature = new Uint8Array(sign("sha256", Buffer.from("bench"), privateKey));
    for (let done = 0; done < n; ) {
      const batch = Math.min(10_000, n - done);
      const pending = [];
      for (let i = 0; i < batch; i++) {
        const digest = new Uint8Array(new Bun.CryptoHasher("sha256").update(`entry ${done + i}`).digest());
        pending.push(log.append(canonicalBody({ digest, algorithm: "SHA2_256", signature, verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", publicKey: spki } })));
      }
      await Promise.all(pending);
      done += batch;
    }
  } finally {
    app.close();
  }
}

async function benchProofs(work: string, n: number): Promise<void> {
  const home = join(work, "tlog-1m");
  const t0 = performance.now();
  await buildLog(home, work, n);
  record(`tlog: build a log of ${n.toLocaleString("en")} entries in batches of 10,000 (untimed)`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const app = createAppContext(loadConfig({ HOME: work, CAIRN_HOME: home }, {}, work, false));
  try {
    const log = new LogAppender(app.tlog, serveLogIdentity(home, "http://127.0.0.1:9", undefined)!, app.clock);
    const ms: number[] = [];
    let hashes = 0;
    for (let i = 0; i < 2000; i++) {
      const index = Math.floor(Math.random() * n);
      const s = performance.now();
      const e = log.proveIndex(index);
      if (!verifyInclusion(index, e.treeSize, leafHash(e.body), e.proof, e.rootHash)) throw new Error(`tlog bench: proof of ${index} does not verify`);
      ms.push(performance.now() - s);
      hashes = Math.max(hashes, e.proof.length);
    }
    record(`tlog: inclusion proof at ${n.toLocaleString("en")} entries`, `${hashes} hashes = ${hashes * 32} bytes`);
    record(`tlog: fresh inclusion proof + verify at ${n.toLocaleString("en")} entries (2,000 random)`, `p50 ${median(ms).toFixed(2)} ms, p99 ${percentile(ms, 99).toFixed(2)} ms`, "p99 ≤ 5 ms", percentile(ms, 99) <= 5);
  } finally {
    app.close();
  }
}

async function benchMonitor(work: string, n: number): Promise<void> {
  const home = join(work, "tlog-monitor");
  await buildLog(home, work, n);
  const bin = join(import.meta.dir, "..", "dist", "cairn");
  const trusted = join(work, "tlog-monitor-root.json");
  const { servedLogRootEntry } = await import("../src/services/tlog/identity.ts");
  await Bun.write(trusted, JSON.stringify({ mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [servedLogRootEntry(home)], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }));
  const r = runProcess([bin, "log", "monitor", "--home", home, "--state", join(work, "tlog-monitor-state.json"), "--trusted-root", trusted, "-o", "json"], { cwd: work, env: { PATH: process.env.PATH, HOME: work } });
  record(`tlog: cairn log monitor over ${n.toLocaleString("en")} new entries`, `${(r.ms / 1000).toFixed(2)} s`, "≤ 2 s", r.ms <= 2000);
}
