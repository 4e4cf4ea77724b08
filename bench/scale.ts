// `npm run bench -- scale`: signed pushes/s from 16 clients on one `cairn serve` on SQLite, one on PostgreSQL and
// three replicas on one PostgreSQL database, in the same run; then discover p99 on PostgreSQL at
// BENCH_SCALE_ATTESTATIONS (default 1,000,000), seeded on SQLite and moved with `store migrate`'s copy.
// Every process shares this machine's cores: replicas add no CPU here, so the 3-replica line shows what the
// database and the replicas' coordination cost, not what more machines would give.
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createAppContext } from "../src/context.ts";
import { discover } from "../src/services/control/discover.ts";
import { addOrgKey } from "../src/services/control/org-keys.ts";
import { createToken } from "../src/services/control/tokens.ts";
import { generateKeyPair, publicKeyPem } from "../src/signing/keys.ts";
import { openDatabase } from "../src/store/sqlite/db.ts";
import { copySqliteToPg } from "../src/store/pg/copy-sqlite.ts";
import { pgMissing, testDatabase } from "../src/store/pg/pg.testutil.ts";
import { median, percentile, record } from "./lib.ts";
import { seedStore } from "./seed.ts";
import { prepare, pushAll, startServe } from "./serve-push.ts";

const CLIENTS = 16;
const WARMUP = 32;

export async function benchScale(work: string): Promise<void> {
  const why = pgMissing();
  if (why) return void record("scale", `skipped: ${why}`);
  const n = Number(process.env.BENCH_SCALE_PUSHES ?? 2000);
  if (n > 0) {
    const sqlite = await pushes(work, "sqlite-1", false, 1, n);
    const pg1 = await pushes(work, "pg-1", true, 1, n);
    const pg3 = await pushes(work, "pg-3", true, 3, n);
    record(`scale: signed pushes/s, ${CLIENTS} clients, 1 replica on SQLite`, `${sqlite.toFixed(0)}/s`);
    record(`scale: signed pushes/s, ${CLIENTS} clients, 1 replica on PostgreSQL`, `${pg1.toFixed(0)}/s = ${(pg1 / sqlite).toFixed(2)}x SQLite`);
    record(`scale: signed pushes/s, ${CLIENTS} clients, 3 replicas on PostgreSQL`, `${pg3.toFixed(0)}/s = ${(pg3 / pg1).toFixed(2)}x 1 replica (2 shared cores)`);
  } else record("scale: signed pushes/s", "skipped (BENCH_SCALE_PUSHES=0)");
  await discoverAtScale(work, Number(process.env.BENCH_SCALE_ATTESTATIONS ?? 1_000_000));
}

/** Prepared runs and signed bundles (untimed), then `replicas` servers on one home (its disk is the shared CAS). */
async function pushes(work: string, label: string, onPg: boolean, replicas: number, n: number): Promise<number> {
  const db = onPg ? await testDatabase({ migrate: false }) : undefined;
  const home = join(work, `scale-${label}`);
  const env: Record<string, string> = { HOME: work, CAIRN_HOME: home, ...(db && { CAIRN_DATABASE_URL: db.url }) };
  const app = await createAppContext(loadConfig(env, {}, work, false));
  let token: string;
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    const key = generateKeyPair("ecdsa-p256");
    await addOrgKey(app, { name: "bench", pem: publicKeyPem(key.publicKey), source: "bench" });
    token = (await createToken(app, { name: "bench-push" })).token;
    console.error(`scale ${label}: preparing ${(WARMUP + n).toLocaleString("en")} runs`);
    prepared = await prepare(app, join(work, label), key, WARMUP + n);
  } finally {
    await app.close();
  }
  Bun.spawnSync(["sync"]);
  const servers = [];
  for (let i = 0; i < replicas; i++) servers.push(await startServe(home, work, db ? { CAIRN_DATABASE_URL: db.url } : {}));
  try {
    const urls = servers.map((s) => s.url);
    await pushAll(urls, token, prepared.slice(0, WARMUP), CLIENTS);
    const t0 = performance.now();
    const latencies = await pushAll(urls, token, prepared.slice(WARMUP), CLIENTS);
    const rate = n / ((performance.now() - t0) / 1000);
    record(`scale ${label}: push latency`, `p50 ${median(latencies).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
    return rate;
  } finally {
    for (const s of servers) await s.stop();
    await db?.drop();
  }
}

async function discoverAtScale(work: string, n: number): Promise<void> {
  const home = join(work, "scale-seed");
  const t0 = performance.now();
  const seeded = seedStore(home, n);
  const db = (await testDatabase({ migrate: false }))!;
  const t1 = performance.now();
  const app = await createAppContext(loadConfig({ HOME: work, CAIRN_HOME: join(work, "scale-pg-home"), CAIRN_DATABASE_URL: db.url }, {}, work, false));
  try {
    const src = openDatabase(join(home, "cairn.db"));
    try {
      const { openPgStore } = await import("../src/store/pg/migrate.ts");
      const pg = await openPgStore((await import("../src/store/pg/url.ts")).parseDatabaseUrl(db.url));
      try {
        await copySqliteToPg(src, pg);
        // What autovacuum does after a bulk load (statistics, visibility map for index-only scans), done now so the
        // lookups below do not race it.
        await pg.query("VACUUM (ANALYZE)");
        await pg.query("CHECKPOINT"); // the pages VACUUM dirtied are written now, not under the lookups (SQLite's seed checkpoints too)
      } finally {
        await pg.close();
      }
    } finally {
      src.close();
    }
    record(`scale: ${n.toLocaleString("en")} attestations seeded (SQLite) and copied to PostgreSQL`, `${((t1 - t0) / 1000).toFixed(0)} s + ${((performance.now() - t1) / 1000).toFixed(0)} s`);
    const w = seeded.warmDigests;
    for (const [what, digests, warm, key] of [["material", seeded.sampleDigests.material, w.material.slice(0, 50), "referredBy"], ["attestation", seeded.sampleDigests.attestation, w.attestation.slice(0, 50), "references"], ["git commit", seeded.sampleDigests.commit, w.commit.slice(0, 50), "referredBy"]] as const) {
      // A server's first lookups open its pool's connections and prepare each statement on each of them: timed apart,
      // on other digests than the measured ones (whose pages stay as cold as the copy left them).
      let cold = 0;
      for (const d of warm) {
        const s = performance.now();
        await discover(app, { digest: d });
        cold = Math.max(cold, performance.now() - s);
      }
      const ms: number[] = [];
      for (const d of digests) {
        const s = performance.now();
        const r = await discover(app, { digest: d });
        ms.push(performance.now() - s);
        if (r[key].length === 0) throw new Error(`scale bench: discover ${d} found nothing`);
      }
      const p99 = percentile(ms, 99);
      record(`scale: discover <${what}> on PostgreSQL at ${n.toLocaleString("en")}`, `p50 ${median(ms).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (warm-up: ${warm.length} others, slowest ${cold.toFixed(1)} ms)`, "p99 ≤ 10 ms", p99 <= 10);
    }
  } finally {
    await app.close();
    await db.drop();
  }
}
