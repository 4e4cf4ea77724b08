/**
 * Test support: the behaviour every BlobStore adapter shares (ports.ts), as one suite each adapter's tests run against
 * a real backend (disk, docker-registry, Swift's S3 API): put/has/read/openRead, files and streams of many chunks,
 * NOT_FOUND, the stream limit, idempotent re-puts, and digest verification on read (but not on openRead).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BlobStore, BlobStream } from "../ports.ts";
import type { OpenStore } from "./contract-store.testutil.ts";

export interface ContractSubject {
  store: BlobStore;
  /** Replaces the stored bytes of `digest` with `bytes` behind the store's back (storage damage, a tampering server). */
  corrupt?(digest: string, bytes: Uint8Array): Promise<void>;
}

export interface ContractOptions {
  /** Bytes of the many-chunk file: past the adapter's chunk or part size (default 12 MiB + 7: three 5 MiB S3 parts). */
  bigBytes?: number;
  /** A reason to skip the suite (its backend is not installed). */
  skip?: string;
}

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function drain(s: BlobStream): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of s.chunks) parts.push(new Uint8Array(c)); // copied: adapters may reuse buffers
  return new Uint8Array(Buffer.concat(parts));
}

async function* chunksOf(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

export function blobStoreContract(name: string, open: OpenStore<ContractSubject>, opts: ContractOptions = {}): void {
  describe.skipIf(opts.skip !== undefined)(`BlobStore contract: ${name}${opts.skip ? ` (skipped: ${opts.skip})` : ""}`, () => {
    let s: ContractSubject & { close(): Promise<void> };
    const dir = mkdtempSync(join(tmpdir(), "cairn-contract-"));
    beforeAll(async () => {
      s = await open();
    });
    afterAll(async () => {
      await s?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("putBytes stores; has, read and openRead give back the same bytes and size", async () => {
      const bytes = randomBytes(1000);
      const ref = await s.store.putBytes(bytes);
      expect(ref).toEqual({ digest: sha(bytes), size: 1000 });
      expect(await s.store.has(ref.digest)).toBe(true);
      expect(Buffer.from(await s.store.read(ref.digest)).equals(bytes)).toBe(true);
      const stream = await s.store.openRead(ref.digest);
      expect(stream.size).toBe(1000);
      expect(Buffer.from(await drain(stream)).equals(bytes)).toBe(true);
    });

    test("the empty blob is a blob like any other", async () => {
      const ref = await s.store.putBytes(new Uint8Array(0));
      expect(ref).toEqual({ digest: sha(""), size: 0 });
      expect(await s.store.has(ref.digest)).toBe(true);
      expect((await s.store.read(ref.digest)).length).toBe(0);
    });

    test("ingestFile of many chunks: digest, size, progress to the end, bytes back in order", async () => {
      const data = randomBytes(opts.bigBytes ?? 12 * 1024 * 1024 + 7);
      const path = join(dir, "big.bin");
      writeFileSync(path, data);
      const progress: number[] = [];
      const ref = await s.store.ingestFile(path, { onProgress: (n) => progress.push(n), name: "big.bin" });
      expect(ref).toEqual({ digest: sha(data), size: data.length });
      expect(progress.at(-1)).toBe(data.length);
      expect(sha(await drain(await s.store.openRead(ref.digest)))).toBe(ref.digest);
      expect(sha(await s.store.read(ref.digest))).toBe(ref.digest);
    });

    test("ingestStream hashes what arrives; over maxBytes it is TOO_LARGE and nothing is stored", async () => {
      const data = randomBytes(3 * 1024 * 1024 + 11);
      const ref = await s.store.ingestStream(chunksOf(data, 64 * 1024), { maxBytes: data.length, name: "upload.bin" });
      expect(ref).toEqual({ digest: sha(data), size: data.length });
      expect(sha(await s.store.read(ref.digest))).toBe(ref.digest);
      const other = randomBytes(300 * 1024);
      expect(await codeOf(s.store.ingestStream(chunksOf(other, 64 * 1024), { maxBytes: 200 * 1024 }))).toBe("TOO_LARGE");
      expect(await s.store.has(sha(other))).toBe(false);
    });

    test("an unknown digest: has is false, read and openRead are NOT_FOUND", async () => {
      const missing = sha(randomBytes(32));
      expect(await s.store.has(missing)).toBe(false);
      expect(await codeOf(s.store.read(missing))).toBe("NOT_FOUND");
      expect(await codeOf(s.store.openRead(missing))).toBe("NOT_FOUND");
    });

    test("re-putting the same bytes (bytes, file, stream) is idempotent: same ref, still readable", async () => {
      const bytes = randomBytes(5000);
      const path = join(dir, "again.bin");
      writeFileSync(path, bytes);
      const refs = [await s.store.putBytes(bytes), await s.store.putBytes(bytes), await s.store.ingestFile(path), await s.store.ingestStream(chunksOf(bytes, 1000))];
      for (const r of refs) expect(r).toEqual({ digest: sha(bytes), size: 5000 });
      expect(Buffer.from(await s.store.read(sha(bytes))).equals(bytes)).toBe(true);
    });

    test("a malformed digest is USAGE, never looked up as a path or key", async () => {
      expect(await codeOf(s.store.has("sha256:../../etc/passwd"))).toBe("USAGE");
      expect(await codeOf(s.store.read("md5:abc"))).toBe("USAGE");
      expect(await codeOf(s.store.openRead("sha256:ABC"))).toBe("USAGE");
    });

    test("read verifies the digest (INTEGRITY on damaged bytes); openRead leaves that to the consumer", async () => {
      if (!s.corrupt) return; // this backend's storage cannot be reached behind its back here
      const bytes = randomBytes(2048);
      const ref = await s.store.putBytes(bytes);
      const damaged = new Uint8Array(bytes);
      damaged[100] = damaged[100]! ^ 0xff;
      await s.corrupt(ref.digest, damaged);
      expect(await codeOf(s.store.read(ref.digest))).toBe("INTEGRITY");
      expect(sha(await drain(await s.store.openRead(ref.digest)))).toBe(sha(damaged));
    });
  });
}
