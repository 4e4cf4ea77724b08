/**
 * Test support, run as a child process (`bun memory-probe.testutil.ts`) so its peak RSS is its own: ingests a file into
 * an S3BlobStore, streams it back through openRead and hashes it, then prints {"digest", "peakRssKiB"} as JSON. Args:
 * endpoint bucket accessKeyId file; the secret comes in PROBE_S3_SECRET. The peak is VmHWM from /proc/self/status
 * (its address space's own; getrusage's maxrss would include the parent's RSS at fork).
 */
import { S3BlobStore } from "./s3-blob-store.ts";
import { s3ClientFor } from "./s3-client.ts";

if (import.meta.main) {
  const [endpoint, bucket, accessKeyId, file] = process.argv.slice(2) as [string, string, string, string];
  const settings = { bucket, prefix: "probe", endpoint, region: "us-east-1", pathStyle: true, accessKeyEnv: "PROBE_S3_KEY", secretKeyEnv: "PROBE_S3_SECRET" };
  const env = { PROBE_S3_KEY: accessKeyId, PROBE_S3_SECRET: process.env.PROBE_S3_SECRET };
  const store = new S3BlobStore({ settings, makeClient: () => s3ClientFor(settings, env), stagingDir: `${file}.staging`, label: "probe" });
  const { digest } = await store.ingestFile(file);
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const c of (await store.openRead(digest)).chunks) hasher.update(c);
  if (`sha256:${hasher.digest("hex")}` !== digest) throw new Error("the bytes read back differ");
  const hwm = /VmHWM:\s+(\d+) kB/.exec(await Bun.file("/proc/self/status").text());
  console.log(JSON.stringify({ digest, peakRssKiB: Number(hwm?.[1]) }));
}
