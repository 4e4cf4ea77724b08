// `attestation add` of a 1 GiB artifact (hash + CAS write + fsync, one pass) vs `openssl dgst -sha256` of the same file.
import { openSync, writeSync, closeSync, rmSync } from "node:fs";
import { join } from "node:path";
import { median, record, runProcess } from "./lib.ts";
import { BIN } from "./tools.ts";

const SIZE_MIB = Number(process.env.BENCH_ADD_MIB ?? 1024);
const N = 3;

export async function benchAddLarge(work: string): Promise<void> {
  console.error(`attestation add of a ${SIZE_MIB} MiB artifact vs openssl dgst -sha256`);
  const file = join(work, "big.bin");
  const chunk = crypto.getRandomValues(new Uint8Array(1024 * 1024));
  const fd = openSync(file, "w");
  for (let i = 0; i < SIZE_MIB; i++) {
    chunk[0] = i & 0xff; // vary content a little
    writeSync(fd, chunk);
  }
  closeSync(fd);
  const home = join(work, "add-home");
  const env = { PATH: process.env.PATH, HOME: work, CAIRN_HOME: home };
  const cairn = (...a: string[]) => runProcess([BIN, ...a], { cwd: work, env });
  const openssl = () => runProcess(["openssl", "dgst", "-sha256", file]).ms;
  // The physical floor of any durable copy on this disk: write the same bytes and flush them.
  const copy = join(work, "copy.bin");
  const cpSync = () => {
    const ms = runProcess(["sh", "-c", `cp "${file}" "${copy}" && sync "${copy}"`]).ms;
    rmSync(copy, { force: true });
    return ms;
  };
  openssl(); // warm cache
  const ours: number[] = [], base: number[] = [], floor: number[] = [], rss: number[] = [];
  for (let i = 0; i < N; i++) {
    rmSync(join(home, "cas"), { recursive: true, force: true }); // measure a real ingest, not a dedup
    cairn("att", "init", "--workflow", "big", "--project", "bench", "--replace");
    base.push(openssl());
    floor.push(cpSync());
    const s = cairn("att", "add", "--name", "big", "--kind", "ARTIFACT", "--value", file);
    ours.push(s.ms);
    rss.push(s.maxRssMiB);
  }
  const ratio = median(ours) / median(base);
  record(`openssl dgst -sha256 ${SIZE_MIB} MiB, median`, `${median(base).toFixed(0)} ms`);
  record(`att add ${SIZE_MIB} MiB ARTIFACT, median`, `${median(ours).toFixed(0)} ms = ${ratio.toFixed(2)}x openssl`, "<= 1.5x", ratio <= 1.5);
  record(`cp + sync ${SIZE_MIB} MiB (durable-copy floor), median`, `${median(floor).toFixed(0)} ms; att add = ${(median(ours) / median(floor)).toFixed(2)}x`);
  record(`att add ${SIZE_MIB} MiB peak RSS, max`, `${Math.max(...rss).toFixed(0)} MiB`, "<= 100 MiB", Math.max(...rss) <= 100);
  rmSync(file, { force: true });
}
