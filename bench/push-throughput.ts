// Push throughput of the local services: init + add (STRING) + push, in one process, as `cairn serve` will run them.
import { generateKeyPairSync } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createAppContext } from "../src/context.ts";
import { addMaterial } from "../src/services/crafting/add.ts";
import { initAttestation } from "../src/services/crafting/init.ts";
import { pushAttestation } from "../src/services/crafting/push.ts";
import { record } from "./lib.ts";

export async function benchPushThroughput(work: string, n = Number(process.env.BENCH_PUSHES ?? 500)): Promise<void> {
  console.error(`push throughput of the local services (${n} attestations, ECDSA P-256)`);
  const home = join(work, "push-home");
  const config = loadConfig({ HOME: work, CAIRN_HOME: home }, {}, work, false);
  const app = await createAppContext(config);
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const loadSigning = async () => ({ key: privateKey });
  try {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      await initAttestation(app, { workflow: `wf-${i % 10}`, project: "bench", dryRun: false, replace: true });
      await addMaterial(app, { name: "build-ref", value: `ref-${i}`, kind: "STRING", annotations: {}, strict: true });
      await pushAttestation(app, { loadSigning, annotations: {} });
    }
    const s = (performance.now() - t0) / 1000;
    record("local push throughput (init+add+push, fsync'd)", `${(n / s).toFixed(0)} attestations/s (${((s / n) * 1000).toFixed(1)} ms each)`);
  } finally {
    await app.close();
  }
  const cas = dirBytes(join(home, "cas"));
  const db = statSync(join(home, "cairn.db")).size;
  record("store bytes per pushed attestation (signed bundle in CAS + SQLite)", `${((cas + db) / n).toFixed(0)} B (bundle ${(cas / n).toFixed(0)} B, SQLite ${(db / n).toFixed(0)} B)`);
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  }
  return total;
}
