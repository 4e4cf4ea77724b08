// OCI push of a 256 MiB artifact through pushArtifact vs a raw POST + single PUT of the same bytes (fetch, file body)
// to another repository of the same real registry (Debian's docker-registry on 127.0.0.1). Best of 3 each.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createOciClient } from "../src/oci/client.ts";
import { pushArtifact } from "../src/oci/oras.ts";
import { startRegistry } from "../src/oci/registry.testutil.ts";
import { record } from "./lib.ts";

const MiB = 1024 * 1024;

function randomFile(path: string, bytes: number): void {
  const buf = new Uint8Array(bytes);
  for (let off = 0; off < bytes; off += 65536) crypto.getRandomValues(buf.subarray(off, Math.min(bytes, off + 65536)));
  writeFileSync(path, buf);
}

async function rawPush(base: string, repo: string, path: string, digest: string): Promise<void> {
  const started = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: "POST" });
  const loc = new URL(started.headers.get("location") ?? "", base);
  loc.searchParams.set("digest", digest);
  const res = await fetch(loc, { method: "PUT", body: Bun.file(path), headers: { "content-type": "application/octet-stream" } });
  if (res.status !== 201) throw new Error(`raw PUT answered ${res.status}: ${await res.text()}`);
}

async function bestOf(n: number, run: (i: number) => Promise<void>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run(i);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export async function benchOci(work: string, mib = Number(process.env.BENCH_OCI_MIB ?? 256)): Promise<void> {
  console.error(`OCI push of a ${mib} MiB artifact vs raw POST+PUT (docker-registry on 127.0.0.1, best of 3)`);
  const path = join(work, "oci-blob.bin");
  randomFile(path, mib * MiB);
  const digest = `sha256:${new Bun.CryptoHasher("sha256").update(await Bun.file(path).bytes()).digest("hex")}`;
  const reg = await startRegistry();
  try {
    const chunkBytes = process.env.BENCH_OCI_CHUNK_MIB ? Number(process.env.BENCH_OCI_CHUNK_MIB) * MiB : undefined;
    const client = createOciClient({ registry: reg.host, insecureHttp: true, chunkBytes });
    const ours = await bestOf(3, async (i) => {
      await pushArtifact(client, {
        repository: `bench/oci-${i}`, artifactType: "application/vnd.cairn.evidence.v1",
        files: [{ mediaType: "application/octet-stream", title: "blob.bin", source: { digest, size: mib * MiB, chunks: Bun.file(path).stream() } }],
      });
    });
    const raw = await bestOf(3, (i) => rawPush(`http://${reg.host}`, `bench/raw-${i}`, path, digest));
    const rate = (ms: number) => `${((mib / ms) * 1000).toFixed(0)} MB/s`;
    const ratio = ours / raw;
    record(`OCI push ${mib} MiB (pushArtifact)`, `${(ours / 1000).toFixed(2)} s, ${rate(ours)}`);
    record(`raw POST+PUT ${mib} MiB (baseline)`, `${(raw / 1000).toFixed(2)} s, ${rate(raw)}`);
    record("OCI push vs raw PUT", `${ratio.toFixed(2)}x`, "<= 1.3x", ratio <= 1.3);
  } finally {
    await reg.stop();
  }
}
