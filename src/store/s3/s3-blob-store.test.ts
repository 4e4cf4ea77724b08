// S3BlobStore against a real S3 API: OpenStack Swift with s3api (swift.testutil.ts), the contract suite and what is
// particular to S3 (key layout, aborted uploads, bounded memory, credentials).
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Settings } from "../cas-backend-port.ts";
import { blobStoreContract } from "../blob-store-contract.testutil.ts";
import { S3BlobStore } from "./s3-blob-store.ts";
import { s3ClientFor } from "./s3-client.ts";
import { startSwift, swiftMissing, type RunningSwift } from "./swift.testutil.ts";
import { uploadVerified } from "./upload.ts";

setDefaultTimeout(60_000); // Swift takes ~12 s to start (first test)
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
  return { store, corrupt: async (digest, bytes) => void (await s.client().write(store.keyFor(digest), bytes)), cleanup: async () => {} };
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

  test("256 MiB in and out in bounded memory: ingestFile and a streamed openRead each grow RSS by far less than the blob", async () => {
    const s = await swift();
    const { store } = storeOn(s, "big");
    const path = join(dir, "big.bin");
    const size = 256 * 1024 * 1024;
    let digest: string;
    {
      const data = new Uint8Array(size);
      for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) % 256;
      writeFileSync(path, data);
      digest = sha(data);
    }
    const peakGrowth = async (fn: (tick: () => void) => Promise<void>) => {
      Bun.gc(true);
      const before = process.memoryUsage().rss;
      let peak = before;
      const tick = () => void (peak = Math.max(peak, process.memoryUsage().rss));
      const sample = setInterval(tick, 5);
      try {
        await fn(tick);
      } finally {
        clearInterval(sample);
      }
      return (peak - before) / 2 ** 20;
    };
    // measured: upload peaks at ~110 MiB for 64 MiB to 512 MiB (4 parts of 5 MiB in flight, the chunks the collector
    // has not reached yet), a streamed read at ~16 MiB; holding the blob would be 256 MiB or more
    expect(await peakGrowth(async (tick) => expect(await store.ingestFile(path, { onProgress: tick })).toEqual({ digest, size }))).toBeLessThan(170);
    expect(
      await peakGrowth(async (tick) => {
        const hasher = new Bun.CryptoHasher("sha256");
        for await (const c of (await store.openRead(digest)).chunks) (hasher.update(c), tick());
        expect(`sha256:${hasher.digest("hex")}`).toBe(digest);
      }),
    ).toBeLessThan(64);
    rmSync(path);
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
