// The transparency log's cost and speed:
//  - verified pushes/s from 16 clients against a `cairn serve` with a log (it logs every push's signature, batched,
//    and stores the bundle with its entry) vs the same pushes to a server without one, in the same run; target: the
//    log costs at most 20 % (ratio ≥ 0.8).
//  - at 1,000,000 entries: inclusion-proof size, and proof latency (fresh proof from the store + verification) p99 ≤ 5 ms;
//  - `cairn log monitor` over 100,000 new entries ≤ 2 s (the compiled binary, the whole log re-verified).
import { TileFetch } from "../src/services/tlog/tile-fetch.ts";
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
import { formatCheckpoint } from "../src/tlog/checkpoint.ts";
import { treeRoot, verifyInclusion } from "../src/tlog/merkle.ts";
import { appendLeaves } from "../src/tlog/tiles.ts";
import { canonicalBody } from "../src/tlog/rekor/body.ts";
import { median, percentile, record, runProcess } from "./lib.ts";
import { prepare, pushAll, startServe, type Prepared } from "./serve-push.ts";

const CLIENTS = 16;

export async function benchTlog(work: string, parts = (process.env.BENCH_TLOG_PARTS ?? "push,proofs,monitor").split(",")): Promise<void> {
  if (parts.includes("push")) await benchPushCost(work, Number(process.env.BENCH_TLOG_PUSHES ?? 4000));
  if (parts.includes("proofs")) await benchProofs(work, Number(process.env.BENCH_TLOG_ENTRIES ?? 1_000_000));
  if (parts.includes("monitor")) await benchMonitor(work, Number(process.env.BENCH_TLOG_MONITOR ?? 100_000));
}

async function benchPushCost(work: string, n: number): Promise<void> {
  const key = generateKeyPair("ecdsa-p256");
  const modes = ["off", "on"] as const;
  const setup: Record<string, { token: string; items: Prepared[]; server: Awaited<ReturnType<typeof startServe>> }> = {};
  try {
    for (const mode of modes) {
      const home = join(work, `tlog-${mode}`);
      const app = await createAppContext(loadConfig({ HOME: work, CAIRN_HOME: home }, {}, work, false));
      let token: string;
      let items: Prepared[];
      try {
        await addOrgKey(app, { name: "bench", pem: publicKeyPem(key.publicKey), source: "bench" });
        token = (await createToken(app, { name: "bench-push" })).token;
        items = await prepare(app, join(work, `prep-${mode}`), key, n + 64);
      } finally {
        await app.close();
      }
      if (mode === "on") initLogKey(home, { now: new Date() });
      setup[mode] = { token, items, server: await startServe(home, work) };
    }
    // Both servers run; pushes go to one at a time in ABBA rounds, so drift in machine load falls on both alike.
    // With the log, the server logs each push's signature (batched) and stores the bundle with its entry.
    const ms: Record<string, number> = { off: 0, on: 0 };
    const latencies: Record<string, number[]> = { off: [], on: [] };
    for (const mode of modes) await pushAll(setup[mode]!.server.url, setup[mode]!.token, setup[mode]!.items.slice(0, 64), CLIENTS);
    const rounds = 8;
    const chunk = Math.floor(n / rounds);
    for (let r = 0; r < rounds; r++) {
      for (const mode of r % 2 === 0 ? modes : [...modes].reverse()) {
        const s = setup[mode]!;
        const t0 = performance.now();
        latencies[mode]!.push(...(await pushAll(s.server.url, s.token, s.items.slice(64 + r * chunk, 64 + (r + 1) * chunk), CLIENTS)));
        ms[mode]! += performance.now() - t0;
      }
    }
    const rate = (mode: string) => (rounds * chunk) / (ms[mode]! / 1000);
    for (const mode of modes) {
      record(`tlog: verified pushes/s, ${CLIENTS} clients, log ${mode}`, `${rate(mode).toFixed(0)}/s, p50 ${median(latencies[mode]!).toFixed(1)} ms, p99 ${percentile(latencies[mode]!, 99).toFixed(1)} ms`);
    }
    const ratio = rate("on") / rate("off");
    record("tlog: pushes/s with the log / without (ABBA rounds)", `${ratio.toFixed(2)} (the log costs ${((1 - ratio) * 100).toFixed(0)} %)`, "≥ 0.80", ratio >= 0.8);
  } finally {
    for (const s of Object.values(setup)) await s.server.stop();
  }
}

/**
 * A home whose log holds `n` entries, written in batches of 10,000 the way the appender commits a batch (tiles,
 * one checkpoint per batch) but without computing each entry's answer, which only a waiting client needs.
 */
async function buildLog(home: string, work: string, n: number): Promise<void> {
  initLogKey(home, { now: new Date() });
  const app = await createAppContext(loadConfig({ HOME: work, CAIRN_HOME: home }, {}, work, false));
  try {
    const identity = serveLogIdentity(home, "http://127.0.0.1:9", undefined)!;
    await new LogAppender(app.tlog, identity, app.clock).open();
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    const signature = new Uint8Array(sign("sha256", Buffer.from("bench"), privateKey));
    for (let done = 0; done < n; ) {
      const count = Math.min(10_000, n - done);
      const bodies: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        const digest = new Uint8Array(new Bun.CryptoHasher("sha256").update(`entry ${done + i}`).digest());
        bodies.push(canonicalBody({ digest, algorithm: "SHA2_256", signature, verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", publicKey: spki } }));
      }
      const tiles = new TileFetch((l, i) => app.tlog.tile(l, i));
      const writes = await tiles.run((read) => appendLeaves(done, bodies.map(leafHash), read));
      const overlay = new Map(writes.map((w) => [`${w.level}/${w.index}`, w.data]));
      const root = await tiles.run((read) => treeRoot(done + count, (l, i) => overlay.get(`${l}/${i}`) ?? read(l, i)));
      const note = identity.signer.sign(formatCheckpoint({ origin: identity.origin, size: done + count, root }));
      const now = new Date().toISOString();
      const bodyHashes = bodies.map((b) => new Uint8Array(new Bun.CryptoHasher("sha256").update(b).digest()));
      await app.tlog.append(done, { bodies, bodyHashes, tiles: writes, checkpoint: { size: done + count, root, note, createdAt: now } }, now);
      done += count;
    }
  } finally {
    await app.close();
  }
}

async function benchProofs(work: string, n: number): Promise<void> {
  const home = join(work, "tlog-1m");
  const t0 = performance.now();
  await buildLog(home, work, n);
  record(`tlog: build a log of ${n.toLocaleString("en")} entries in batches of 10,000 (untimed)`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const app = await createAppContext(loadConfig({ HOME: work, CAIRN_HOME: home }, {}, work, false));
  try {
    const log = new LogAppender(app.tlog, serveLogIdentity(home, "http://127.0.0.1:9", undefined)!, app.clock);
    const ms: number[] = [];
    let hashes = 0;
    for (let i = 0; i < 2000; i++) {
      const index = Math.floor(Math.random() * n);
      const s = performance.now();
      const e = await log.proveIndex(index);
      if (!verifyInclusion(index, e.treeSize, leafHash(e.body), e.proof, e.rootHash)) throw new Error(`tlog bench: proof of ${index} does not verify`);
      ms.push(performance.now() - s);
      hashes = Math.max(hashes, e.proof.length);
    }
    record(`tlog: inclusion proof at ${n.toLocaleString("en")} entries`, `${hashes} hashes = ${hashes * 32} bytes`);
    record(`tlog: fresh inclusion proof + verify at ${n.toLocaleString("en")} entries (2,000 random)`, `p50 ${median(ms).toFixed(2)} ms, p99 ${percentile(ms, 99).toFixed(2)} ms`, "p99 ≤ 5 ms", percentile(ms, 99) <= 5);
  } finally {
    await app.close();
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
