import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { DiskBlobStore } from "./disk-blob-store.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-cas-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

describe("DiskBlobStore", () => {
  const store = new DiskBlobStore(join(dir, "cas"));

  test("every write takes its ingest lease before looking for the blob, small, large, new or already stored", async () => {
    const held: string[] = [];
    const leased = new DiskBlobStore(join(dir, "leased"), { guard: { hold: async (d) => void held.push(d) } });
    const small = new TextEncoder().encode("small\n");
    const large = new Uint8Array(2 * 1024 * 1024).fill(7);
    const file = join(dir, "leased-in.bin");
    writeFileSync(file, small);
    await leased.putBytes(small);
    await leased.putBytes(small);
    await leased.ingestFile(file);
    await leased.putBytes(large);
    expect(held).toEqual([sha(small), sha(small), sha(small), sha(large)]);
  });

  test("ingests a file in one pass: digest, size, content-addressed path, no temp files left", async () => {
    const data = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => i % 251);
    const file = join(dir, "in.bin");
    writeFileSync(file, data);
    const ref = await store.ingestFile(file);
    expect(ref).toEqual({ digest: sha(data), size: data.length });
    expect(store.pathFor(ref.digest)).toEndWith(`/sha256/${ref.digest.slice(7, 9)}/${ref.digest.slice(7)}`);
    expect(await store.has(ref.digest)).toBe(true);
    expect(readdirSync(join(dir, "cas", "tmp"))).toEqual([]);
    expect(sha(await store.read(ref.digest))).toBe(ref.digest);
  });

  test("adoptFile moves a staged file in (no copy); adopting a blob already stored just drops the staged file", async () => {
    const data = new TextEncoder().encode("staged by an import");
    const staged = join(dir, "cas", "tmp", "staged-1");
    writeFileSync(staged, data);
    const ref = await store.adoptFile(staged, sha(data));
    expect(ref).toEqual({ digest: sha(data), size: data.length });
    expect(existsSync(staged)).toBe(false);
    expect(sha(await store.read(ref.digest))).toBe(ref.digest);
    writeFileSync(staged, data);
    expect(await store.adoptFile(staged, sha(data))).toEqual(ref);
    expect(existsSync(staged)).toBe(false);
  });

  test("a file of many chunks (prefetched reads, three buffers, early writeback) is stored byte for byte", async () => {
    // 4 MiB chunks: 70 MiB + 3 spans every buffer several times, crosses the 64 MiB writeback kick and ends short
    const data = new Uint8Array(70 * 1024 * 1024 + 3);
    for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) % 256; // each 4 KiB page differs
    const src = join(dir, "many.bin");
    writeFileSync(src, data);
    const ref = await store.ingestFile(src);
    expect(ref).toEqual({ digest: sha(data), size: data.length });
    expect(sha(await store.read(ref.digest))).toBe(sha(data));
    rmSync(src);
  });

  test("a small file already stored is only made fresh again: no tmp copy, same bytes, a newer mtime", async () => {
    const data = new TextEncoder().encode("small file\n".repeat(200));
    const file = join(dir, "small.txt");
    writeFileSync(file, data);
    const first = await store.ingestFile(file);
    expect(first).toEqual({ digest: sha(data), size: data.length });
    const blob = store.pathFor(first.digest);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(blob, old, old);
    const seen: number[] = [];
    expect(await store.ingestFile(file, { onProgress: (n) => seen.push(n) })).toEqual(first);
    expect(seen).toEqual([data.length]);
    expect(statSync(blob).mtimeMs).toBeGreaterThan(old.getTime() + 1000);
    expect(sha(await store.read(first.digest))).toBe(first.digest);
    expect(readdirSync(join(dir, "cas", "tmp"))).toEqual([]);
  });

  test("an empty file and a file of exactly 1 MiB are stored whole (the small path's bounds)", async () => {
    for (const size of [0, 1024 * 1024, 1024 * 1024 + 1]) {
      const data = new Uint8Array(size).map((_, i) => (i * 7) % 256);
      const file = join(dir, `edge-${size}.bin`);
      writeFileSync(file, data);
      expect(await store.ingestFile(file)).toEqual({ digest: sha(data), size });
      expect(sha(await store.read(sha(data)))).toBe(sha(data));
    }
  });

  test("putBytes is idempotent", async () => {
    const a = await store.putBytes(new TextEncoder().encode("hello"));
    const b = await store.putBytes(new TextEncoder().encode("hello"));
    expect(a).toEqual(b);
    expect(a.digest).toBe("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  });

  test("read refuses a corrupted blob and reports a missing one", async () => {
    const ref = await store.putBytes(new TextEncoder().encode("tamper me"));
    writeFileSync(store.pathFor(ref.digest), "tampered!");
    await expectCode(() => store.read(ref.digest), "INTEGRITY");
    await expectCode(() => store.read(sha("never stored")), "NOT_FOUND");
  });

  test("digests that are not sha256:<hex> are refused before touching the filesystem", async () => {
    await expectCode(() => store.has("sha256:../../etc/passwd"), "USAGE");
    await expectCode(() => store.read("md5:abc"), "USAGE");
  });
});

describe("DiskBlobStore.ingestStream", () => {
  const store = new DiskBlobStore(join(dir, "cas-stream"));
  async function* chunks(n: number, size: number): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < n; i++) yield new Uint8Array(size).fill(i);
  }

  test("streams chunks in under the limit; the digest covers every chunk", async () => {
    const parts: Uint8Array[] = [];
    for await (const c of chunks(3, 1000)) parts.push(c);
    const ref = await store.ingestStream(chunks(3, 1000), { maxBytes: 3000 });
    expect(ref).toEqual({ digest: sha(Buffer.concat(parts)), size: 3000 });
    expect(readdirSync(join(dir, "cas-stream", "tmp"))).toEqual([]);
  });

  test("over the limit: TOO_LARGE while streaming, the rest is never read, no tmp file is left", async () => {
    let produced = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const c of chunks(100, 1000)) {
        produced++;
        yield c;
      }
    }
    const e = await expectCode(() => store.ingestStream(counted(), { maxBytes: 2500 }), "TOO_LARGE");
    expect(e.message).toContain("2500");
    expect(produced).toBe(3);
    expect(readdirSync(join(dir, "cas-stream", "tmp"))).toEqual([]);
  });

  test("a stream that fails midway leaves no tmp file", async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      throw new Error("connection reset");
    }
    await expect(store.ingestStream(broken())).rejects.toThrow("connection reset");
    expect(readdirSync(join(dir, "cas-stream", "tmp"))).toEqual([]);
  });
});
