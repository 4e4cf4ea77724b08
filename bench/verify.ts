// Verifying an artifact on a large store (verify-store.ts: 1,000 attestations of app/build reference the target
// among 1,000,000):
//  - `cairn verify artifact sha256:HEX --workflow build -o json`, the compiled binary, whole process: median of 15
//    runs after 2 warm-ups ≤ 100 ms;
//  - POST /api/v1/verify on a `cairn serve` of that store (viewer token), 16 keep-alive clients: p99 ≤ 20 ms.
import { join } from "node:path";
import { median, percentile, record, runProcess } from "./lib.ts";
import { startServe } from "./serve-push.ts";
import { checkTargetWithCli } from "./verify-check.ts";
import { verifyStore, type VerifyStore } from "./verify-store.ts";

const BIN = join(import.meta.dir, "..", "dist", "cairn");
const CLIENTS = 16;
const CLI_TARGET_MS = 100;
const ROUTE_P99_TARGET_MS = 20;

export async function benchVerify(work: string): Promise<void> {
  const total = Number(process.env.BENCH_VERIFY_TOTAL ?? 1_000_000);
  console.error(`verify: a store of ${total.toLocaleString("en")} attestations (.bench/, generated when missing or BENCH_VERIFY_REGEN=1)`);
  const store = await verifyStore({ total });
  const made = `${store.generatedS.toFixed(1)} s, of which ${store.targetReferrers.toLocaleString("en")} real pushes ${store.pushS.toFixed(1)} s`;
  record(`verify: generate the store (untimed)`, store.cached ? `cached (generated in ${made})` : made);
  checkTargetWithCli(BIN, store.home, work, store.target, store.targetReferrers);
  const of = `${store.targetReferrers.toLocaleString("en")} of ${store.total.toLocaleString("en")} attestations`;
  benchCli(work, store, `verify artifact: ${of} (median ms)`);
  await benchRoute(work, store, `POST /api/v1/verify p99, ${CLIENTS} clients (ms)`, Number(process.env.BENCH_VERIFY_REQUESTS ?? 4000));
}

interface Verdict {
  result?: string;
  considered?: unknown[];
}

function benchCli(work: string, store: VerifyStore, name: string): void {
  const env = { PATH: process.env.PATH, HOME: work, CAIRN_HOME: store.home };
  const argv = [BIN, "verify", "artifact", store.target, "--workflow", "build", "-o", "json"];
  const first = Bun.spawnSync(argv, { cwd: work, env });
  if (first.exitCode !== 0 && /unknown command '(verify|artifact)'/.test(first.stderr.toString())) {
    record(name, "not measured: dist/cairn has no `verify artifact` yet", `≤ ${CLI_TARGET_MS} ms`, false);
    return;
  }
  const verdict = parseVerdict(first.stdout.toString());
  if (first.exitCode !== 0 || verdict?.result !== "PASSED") {
    throw new Error(`cairn verify artifact ${store.target} exited ${first.exitCode}, expected 0 and PASSED: ${first.stderr.toString()}${first.stdout.toString().slice(0, 1000)}`);
  }
  for (let i = 0; i < 2; i++) runProcess(argv, { cwd: work, env });
  const samples = Array.from({ length: 15 }, () => runProcess(argv, { cwd: work, env }));
  const ms = samples.map((s) => s.ms);
  const m = median(ms);
  const rss = Math.max(...samples.map((s) => s.maxRssMiB));
  record(name, `${m.toFixed(1)} ms (p95 ${percentile(ms, 95).toFixed(1)} ms, peak RSS ${rss.toFixed(0)} MiB, ${verdict.considered?.length ?? "?"} considered)`, `≤ ${CLI_TARGET_MS} ms`, m <= CLI_TARGET_MS);
}

async function benchRoute(work: string, store: VerifyStore, name: string, requests: number): Promise<void> {
  const server = await startServe(store.home, work);
  try {
    const post = () =>
      fetch(`${server.url}/api/v1/verify`, {
        method: "POST",
        headers: { Authorization: `Bearer ${store.viewerToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ digest: store.target, policy: { workflow: "build" } }),
      });
    const probe = await post();
    const text = await probe.text();
    if (probe.status === 404 && text.includes("no route")) {
      record(name, "not measured: cairn serve has no POST /api/v1/verify yet", `≤ ${ROUTE_P99_TARGET_MS} ms`, false);
      return;
    }
    if (probe.status !== 200 || parseVerdict(text)?.result !== "PASSED") throw new Error(`POST /api/v1/verify answered ${probe.status}, expected 200 and PASSED: ${text.slice(0, 1000)}`);
    await verifyAll(post, 200); // warm-up
    const ms = await verifyAll(post, requests);
    const p99 = percentile(ms, 99);
    record(name, `${p99.toFixed(1)} ms (p50 ${median(ms).toFixed(1)} ms, ${requests.toLocaleString("en")} requests)`, `≤ ${ROUTE_P99_TARGET_MS} ms`, p99 <= ROUTE_P99_TARGET_MS);
  } finally {
    await server.stop();
  }
}

/** CLIENTS workers send `count` requests in all; each must answer 200 with a PASSED verdict. Returns latencies (ms). */
async function verifyAll(post: () => Promise<Response>, count: number): Promise<number[]> {
  const ms: number[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const s = performance.now();
      const res = await post();
      const text = await res.text();
      ms.push(performance.now() - s);
      if (res.status !== 200 || parseVerdict(text)?.result !== "PASSED") throw new Error(`POST /api/v1/verify answered ${res.status}: ${text.slice(0, 500)}`);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  return ms;
}

function parseVerdict(text: string): Verdict | undefined {
  try {
    return JSON.parse(text) as Verdict;
  } catch {
    return undefined;
  }
}
