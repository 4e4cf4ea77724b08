// Control-plane queries on a large store: `workflow run list` first page and `discover` by digest, through the same
// services the CLI and `cairn serve` call, on a store seeded through the repository layer (BENCH_ATTESTATIONS,
// default 1,000,000). Each query is timed in-process: p50/p99 over many lookups, cold first call reported apart.
import { statSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createAppContext, type AppContext } from "../src/context.ts";
import { discover } from "../src/services/control/discover.ts";
import { listRuns, type RunListInput } from "../src/services/control/runs.ts";
import { listWorkflows } from "../src/services/control/workflows.ts";
import { median, percentile, record } from "./lib.ts";
import { seedStore } from "./seed.ts";

const P99_TARGET_MS = 10;

export async function benchControlPlane(work: string, n = Number(process.env.BENCH_ATTESTATIONS ?? 1_000_000)): Promise<void> {
  console.error(`control plane: seeding ${n.toLocaleString("en")} attestations through the repository layer`);
  const home = join(work, "cp-home");
  const t0 = performance.now();
  let last = 0;
  const seeded = seedStore(home, n, (done) => {
    if (done - last >= n / 10 || done === n) {
      console.error(`  seeded ${done.toLocaleString("en")} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      last = done;
    }
  });
  record(`seed ${n.toLocaleString("en")} attestations`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const dbBytes = statSync(seeded.dbPath).size;
  record("store bytes per attestation (SQLite: run, attestation row, referrer graph)", `${(dbBytes / n).toFixed(0)} B (${(dbBytes / 2 ** 20).toFixed(0)} MiB total)`);

  const config = loadConfig({ HOME: work, CAIRN_HOME: home }, {}, work, false);
  const app = await createAppContext(config, { clock: { now: () => new Date("2026-06-01T00:00:00Z") } });
  try {
    const lists: [string, RunListInput][] = [
      ["workflow run list (first page, 50)", {}],
      ["workflow run list --workflow wf-3", { workflow: "wf-3" }],
      ["workflow run list --project project-1", { project: "project-1" }],
      ["workflow run list --status failed", { status: "failed" }],
      ["workflow run list --status cancelled (rare)", { status: "cancelled" }],
    ];
    for (const [name, input] of lists) await timeQuery(name, 200, async () => (await listRuns(app, input)).items.length > 0);
    await timeNextPages(app);
    await timeQuery("workflow list (10 workflows, last run and run count each)", 200, async () => (await listWorkflows(app, {})).items.length === 10);
    const { material, attestation, commit } = seeded.sampleDigests;
    await timeQuery("discover <material digest>", material.length, async (i) => (await discover(app, { digest: material[i]! })).referredBy.length > 0);
    await timeQuery("discover <attestation digest>", attestation.length, async (i) => (await discover(app, { digest: attestation[i]! })).references.length > 0);
    await timeQuery("discover <git commit>", commit.length, async (i) => (await discover(app, { digest: commit[i]! })).referredBy.length > 0);
  } finally {
    await app.close();
  }
}

/** Runs fn `count` times (argument = iteration), fails the bench if a lookup finds nothing, records p50/p99. */
async function timeQuery(name: string, count: number, fn: (i: number) => Promise<boolean>): Promise<void> {
  const cold0 = performance.now();
  if (!(await fn(0))) throw new Error(`${name}: found nothing on the seeded store`);
  const cold = performance.now() - cold0;
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    if (!(await fn(i))) throw new Error(`${name}: found nothing on the seeded store (lookup ${i})`);
    ms.push(performance.now() - s);
  }
  const p99 = percentile(ms, 99);
  record(name, `p50 ${median(ms).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (first ${cold.toFixed(1)} ms)`, `p99 ≤ ${P99_TARGET_MS} ms`, p99 <= P99_TARGET_MS);
}

/** Deep pagination: follow --next 100 pages; every page must stay as fast as the first (keyset, not OFFSET). */
async function timeNextPages(app: AppContext): Promise<void> {
  const ms: number[] = [];
  let next: string | undefined;
  for (let page = 0; page < 100; page++) {
    const s = performance.now();
    const r = await listRuns(app, { next });
    ms.push(performance.now() - s);
    next = r.next;
    if (!next) throw new Error(`workflow run list: the seeded store ran out of pages at ${page}`);
  }
  const p99 = percentile(ms, 99);
  record("workflow run list --next (pages 1-100)", `p50 ${median(ms).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`, `p99 ≤ ${P99_TARGET_MS} ms`, p99 <= P99_TARGET_MS);
}
