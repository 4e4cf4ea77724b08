// `cairn export` and `cairn import` of 1,000 attestations with 1 GiB of uploaded blobs (BENCH_TRANSFER_BYTES shrinks
// it), through dist/cairn under GNU time: throughput and peak RSS, against `tar -cf` of the same CAS directory.
// The store is seeded in-process through the crafting services (init + add ARTIFACT + push), as the CLI would.
import { closeSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createAppContext } from "../src/context.ts";
import { addMaterial } from "../src/services/crafting/add.ts";
import { initAttestation } from "../src/services/crafting/init.ts";
import { pushAttestation } from "../src/services/crafting/push.ts";
import { generateKeyPair, publicKeyPem } from "../src/signing/keys.ts";
import { record, runProcess, type Sample } from "./lib.ts";
import { BIN } from "./tools.ts";

const N = Number(process.env.BENCH_TRANSFER_ATTESTATIONS ?? 1000);
const TOTAL = Number(process.env.BENCH_TRANSFER_BYTES ?? 2 ** 30);
/** Peak RSS allowed for export/import whatever the size: memory must stay flat. */
const RSS_TARGET_MIB = 200;

export async function benchTransfer(work: string): Promise<void> {
  const each = Math.max(1, Math.floor(TOTAL / N));
  console.error(`export/import of ${N} attestations with ${(TOTAL / 2 ** 20).toFixed(0)} MiB of blobs (${(each / 1024).toFixed(0)} KiB each)`);
  const homeA = join(work, "transfer-a");
  const homeB = join(work, "transfer-b");
  const pub = join(work, "transfer.pub");
  const t0 = performance.now();
  await seed(work, homeA, pub, each);
  record(`transfer: seed ${N} attestations (in-process push)`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const env = (home: string) => ({ PATH: process.env.PATH, HOME: work, CAIRN_HOME: home });
  const tarFile = join(work, "transfer.tar");
  const exp = runProcess([BIN, "export", "-o", tarFile, "--format", "json"], { cwd: work, env: env(homeA) });
  const bytes = statSync(tarFile).size;
  const imp = runProcess([BIN, "import", tarFile, "--trusted-key", pub, "-o", "json"], { cwd: work, env: env(homeB) });
  const baseTar = join(work, "transfer-baseline.tar");
  const base = runProcess(["tar", "-cf", baseTar, "-C", homeA, "cas"]);
  rmSync(baseTar, { force: true });
  const again = runProcess([BIN, "import", tarFile, "--trusted-key", pub, "-o", "json"], { cwd: work, env: env(homeB) });

  report("export", exp, bytes, base);
  report("import (verify + store)", imp, bytes, base);
  record("transfer: re-import of the same file (verify, nothing new)", `${(again.ms / 1000).toFixed(2)} s, peak RSS ${again.maxRssMiB.toFixed(0)} MiB`);
  record("transfer: baseline tar -cf of the CAS directory", `${mbps(bytes, base.ms)} MB/s (${(base.ms / 1000).toFixed(2)} s)`);
  rmSync(tarFile, { force: true });
  rmSync(homeA, { recursive: true, force: true });
  rmSync(homeB, { recursive: true, force: true });
}

function report(what: string, s: Sample, bytes: number, base: Sample): void {
  const ratio = s.ms / base.ms;
  // No target on the ratio: tar -cf neither hashes, verifies signatures nor fsyncs; it shows what the disk allows.
  record(`transfer: ${what} of ${(bytes / 2 ** 20).toFixed(0)} MiB, time vs tar -cf`, `${mbps(bytes, s.ms)} MB/s (${(s.ms / 1000).toFixed(2)} s), ${ratio.toFixed(1)}× tar`);
  record(`transfer: ${what} peak RSS`, `${s.maxRssMiB.toFixed(0)} MiB`, `≤ ${RSS_TARGET_MIB} MiB`, s.maxRssMiB <= RSS_TARGET_MIB);
}

const mbps = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(0);

/** N runs, each with one unique uploaded ARTIFACT of `each` bytes, pushed with one ECDSA key (its .pub written). */
async function seed(work: string, home: string, pubPath: string, each: number): Promise<void> {
  const keys = generateKeyPair("ecdsa-p256");
  writeFileSync(pubPath, publicKeyPem(keys.publicKey));
  const app = await createAppContext(loadConfig({ HOME: work, CAIRN_HOME: home }, {}, work, false));
  const file = join(work, "transfer-material.bin");
  const chunk = crypto.getRandomValues(new Uint8Array(Math.min(each, 1024 * 1024)));
  try {
    for (let i = 0; i < N; i++) {
      writeMaterial(file, chunk, each, i);
      await initAttestation(app, { workflow: `wf-${i % 10}`, project: "bench", dryRun: false, replace: true });
      await addMaterial(app, { name: "binary", value: file, kind: "ARTIFACT", annotations: {}, strict: false });
      await pushAttestation(app, { loadSigning: async () => ({ key: keys.privateKey }), annotations: {} });
      if ((i + 1) % (N / 10) === 0) console.error(`  seeded ${i + 1}`);
    }
  } finally {
    await app.close();
    rmSync(file, { force: true });
  }
}

/** A file of `size` bytes made unique by its first bytes (the run index). */
function writeMaterial(path: string, chunk: Uint8Array, size: number, i: number): void {
  new DataView(chunk.buffer).setUint32(0, i);
  const fd = openSync(path, "w");
  try {
    for (let left = size; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  } finally {
    closeSync(fd);
  }
}
