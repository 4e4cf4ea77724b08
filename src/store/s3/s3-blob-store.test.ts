// S3BlobStore against a real S3 API: OpenStack Swift with s3api (swift.testutil.ts), the contract suite and what is
// particular to S3 (key layout, aborted uploads, bounded memory, credentials).
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Settings } from "../cas-backend-port.ts";
import { blobStoreContract } from "../contracts/blob-store-port.contract.testutil.ts";
import { S3BlobStore } from "./s3-blob-store.ts";
import { s3ClientFor } from "./s3-client.ts";
import { startSwift, swiftMissing, type RunningSwift } from "./swift.testutil.ts";
import { uploadVerified } from "./upload.ts";

setDefaultTimeout(90_000); // Swift takes ~12 s to start (first test), twice that when a start is retried
const skip = swiftMissing();
const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const dir = mkdtempSync(join(tmpdir(), "cairn-s3blob-"));
let swiftP: Promise<RunningSwift> | undefined;
const swift = () => (swiftP ??= startSwift());
afterAll(async () => {
  if (swiftP) await (await swiftP).stop();
  rmSync(dir, { recursive: true, force: true });
});

const settingsOf = (s: RunningSwift, prefix: string): S3Settings => ({
  bucket: s.bucket, prefix, endpoint: s.endpoint, region: s.region, pathStyle: true, accessKeyEnv: "TEST_S3_KEY", secretKeyEnv: "TEST_S3_SECRET",
});
const envOf = (s: RunningSwift, secret = s.secretAccessKey) => ({ TEST_S3_KEY: s.accessKeyId, TEST_S3_SECRET: secret });

function storeOn(s: RunningSwift, prefix: string, env = envOf(s)) {
  const settings = settingsOf(s, prefix);
  const stagingDir = join(dir, `staging-${crypto.randomUUID()}`);
  return { stagingDir, store: new S3BlobStore({ settings, makeClient: () => s3ClientFor(settings, env), stagingDir, label: `test (s3://${s.bucket}/${prefix})` }) };
}

blobStoreContract("S3BlobStore (Swift s3api)", async () => {
  const s = await swift();
  const { store } = storeOn(s, "contract");
  return { store, corrupt: async (digest, bytes) => void (await s.client().write(store.keyFor(digest), bytes)), close: async () => {} };
}, { skip });

describe.skipIf(skip !== undefined)("S3BlobStore: what is particular to S3", () => {
  test("keys are PREFIX/sha256/<hex>, or sha256/<hex> without a prefix", async () => {
    const s = await swift();
    const bytes = randomBytes(100);
    const ref = await storeOn(s, "team/evidence").store.putBytes(bytes);
    expect(await s.client().exists(`team/evidence/sha256/${ref.digest.slice(7)}`)).toBe(true);
    await storeOn(s, "").store.putBytes(bytes);
    expect(await s.client().exists(`sha256/${ref.digest.slice(7)}`)).toBe(true);
  });

  test("an upload whose bytes do not hash to the digest is aborted: INTEGRITY, and the key stays absent (one part or many)", async () => {
    const s = await swift();
    for (const size of [1000, 12 * 1024 * 1024]) {
      const data = randomBytes(size);
      const wrong = sha(randomBytes(8));
      const key = `aborted/${wrong.slice(7)}`;
      const err = await uploadVerified({ client: s.client(), key, chunks: [data], digest: wrong, changed: "the test's bytes", fail: (e) => e as Error }).catch((e) => e);
      expect(err).toMatchObject({ code: "INTEGRITY" });
      expect(String(err.message)).toContain(`it hashed to ${wrong}, the upload to ${sha(data)}`);
      expect(await s.client().exists(key)).toBe(false);
    }
  });

  test("ingestStream stages on local disk and leaves nothing there, after success and after TOO_LARGE", async () => {
    const s = await swift();
    const { store, stagingDir } = storeOn(s, "staged");
    const gen = async function* (n: number) {
      for (let i = 0; i < n; i++) yield randomBytes(256 * 1024);
    };
    await store.ingestStream(gen(4));
    expect(readdirSync(stagingDir)).toEqual([]);
    await expect(store.ingestStream(gen(4), { maxBytes: 512 * 1024 })).rejects.toMatchObject({ code: "TOO_LARGE" });
    expect(readdirSync(stagingDir)).toEqual([]);
  });

  test("bounded memory: ingesting and streaming back 256 MiB peaks no higher than 32 MiB does, give or take 64 MiB", async () => {
    const s = await swift();
    // each size in a fresh process (memory-probe.testutil.ts), so the peak RSS is the store's and not this runner's heap
    const probe = async (mib: number) => {
      const file = join(dir, `probe-${mib}.bin`);
      const data = new Uint8Array(mib * 1024 * 1024);
      for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096 + mib) % 256;
      writeFileSync(file, data);
      const p = Bun.spawn([process.execPath, join(import.meta.dir, "memory-probe.testutil.ts"), s.endpoint, s.bucket, s.accessKeyId, file], {
        env: { PATH: process.env.PATH ?? "", PROBE_S3_SECRET: s.secretAccessKey },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      rmSync(file);
      if (code !== 0) throw new Error(`memory probe (${mib} MiB) exited ${code}: ${err}`);
      const r = JSON.parse(out) as { digest: string; peakRssKiB: number };
      expect(r.digest).toBe(sha(data));
      return r.peakRssKiB / 1024;
    };
    const small = await probe(32);
    const big = await probe(256);
    // measured: peaks of ~97 and ~112 MiB (4 parts of 5 MiB in flight, chunks not yet collected); a store holding the
    // blob would add 224 MiB or more
    expect(small).toBeGreaterThan(0);
    expect(big - small).toBeLessThan(64);
  }, 120_000);

  test("a wrong secret: UNAUTHENTICATED naming both variables, the secret never echoed", async () => {
    const s = await swift();
    const secret = "wrong-secret-1234567890";
    const { store } = storeOn(s, "denied", envOf(s, secret));
    for (const op of [() => store.putBytes(randomBytes(10)), () => store.has(sha("x")), () => store.read(sha("x"))]) {
      const err = await op().catch((e) => e);
      expect(err).toMatchObject({ code: "UNAUTHENTICATED" });
      expect(err.message).toContain("$TEST_S3_KEY");
      expect(err.message).toContain("$TEST_S3_SECRET");
      expect(JSON.stringify({ m: err.message, h: err.hint, d: err.details })).not.toContain(secret);
    }
  });

  test("credentials are read when the store is first used: an unset variable is ENV_MISSING naming it and the flag", async () => {
    const s = await swift();
    const { store } = storeOn(s, "x", { TEST_S3_KEY: s.accessKeyId } as never);
    const err = await store.has(sha("x")).catch((e) => e);
    expect(err).toMatchObject({ code: "ENV_MISSING", message: expect.stringContaining("$TEST_S3_SECRET"), hint: expect.stringContaining("--secret-key-env") });
  });
});
