import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CairnError } from "../../errors.ts";
import type { BlobRef, BlobStore, BlobStream } from "../ports.ts";
import { ChainedBlobStore } from "./chained-blob-store.ts";
import { DiskBlobStore } from "./disk-blob-store.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-chained-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function collect(s: BlobStream): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const c of s.chunks) parts.push(new Uint8Array(c));
  return text(Buffer.concat(parts));
}

/** An in-memory BlobStore standing for a registry; `down` makes every call fail as an unreachable one would. */
class MemoryStore implements BlobStore {
  readonly blobs = new Map<string, Uint8Array>();
  down = false;
  private up(): void {
    if (this.down) throw new CairnError("NETWORK", "registry unreachable");
  }
  async putBytes(bytes: Uint8Array): Promise<BlobRef> {
    this.up();
    this.blobs.set(sha(bytes), bytes);
    return { digest: sha(bytes), size: bytes.length };
  }
  async ingestFile(path: string): Promise<BlobRef> {
    return this.putBytes(new Uint8Array(await Bun.file(path).arrayBuffer()));
  }
  async ingestStream(chunks: AsyncIterable<Uint8Array>): Promise<BlobRef> {
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    return this.putBytes(Buffer.concat(parts));
  }
  async has(digest: string): Promise<boolean> {
    this.up();
    return this.blobs.has(digest);
  }
  async read(digest: string): Promise<Uint8Array> {
    this.up();
    const b = this.blobs.get(digest);
    if (!b) throw new CairnError("NOT_FOUND", `no ${digest}`);
    if (sha(b) !== digest) throw new CairnError("INTEGRITY", `corrupt ${digest}`);
    return b;
  }
  async openRead(digest: string): Promise<BlobStream> {
    this.up();
    const b = this.blobs.get(digest);
    if (!b) throw new CairnError("NOT_FOUND", `no ${digest}`);
    return { size: b.length, chunks: (async function* () { yield b; })() };
  }
}

describe("ChainedBlobStore", () => {
  const local = new DiskBlobStore(join(dir, "cas"));
  const registry = new MemoryStore();
  const other = new MemoryStore();
  const chain = new ChainedBlobStore(registry, [local, other]);

  test("writes go only to the default (putBytes, ingestFile, ingestStream)", async () => {
    const a = await chain.putBytes(new TextEncoder().encode("a"));
    writeFileSync(join(dir, "b.txt"), "b");
    const b = await chain.ingestFile(join(dir, "b.txt"));
    const c = await chain.ingestStream((async function* () { yield new TextEncoder().encode("c"); })());
    expect([...registry.blobs.keys()].sort()).toEqual([a.digest, b.digest, c.digest].sort());
    expect(await local.has(a.digest)).toBe(false);
  });

  test("reads find blobs stored before a default change, in the local CAS and in other backends", async () => {
    const old = await local.putBytes(new TextEncoder().encode("before backends"));
    const elsewhere = await other.putBytes(new TextEncoder().encode("older registry"));
    expect(await chain.has(old.digest)).toBe(true);
    expect(text(await chain.read(old.digest))).toBe("before backends");
    expect(await collect(await chain.openRead(elsewhere.digest))).toBe("older registry");
  });

  test("a missing blob is NOT_FOUND naming every place; has() is false", async () => {
    const d = sha("nowhere");
    expect(await chain.has(d)).toBe(false);
    await expect(chain.read(d)).rejects.toThrow(/in no CAS backend/);
    await expect(chain.openRead(d)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("a failing store does not hide a copy elsewhere; its error surfaces when no store has the blob", async () => {
    const old = await local.putBytes(new TextEncoder().encode("local copy"));
    registry.down = true;
    try {
      expect(await chain.has(old.digest)).toBe(true);
      expect(text(await chain.read(old.digest))).toBe("local copy");
      await expect(chain.has(sha("nowhere"))).rejects.toMatchObject({ code: "NETWORK" });
      await expect(chain.openRead(sha("nowhere"))).rejects.toMatchObject({ code: "NETWORK" });
    } finally {
      registry.down = false;
    }
  });

  test("a corrupt copy in the default is skipped for a correct one; alone it is INTEGRITY", async () => {
    const good = await local.putBytes(new TextEncoder().encode("good"));
    registry.blobs.set(good.digest, new TextEncoder().encode("evil"));
    expect(text(await chain.read(good.digest))).toBe("good");
    const lone = sha("lone");
    registry.blobs.set(lone, new TextEncoder().encode("tampered"));
    await expect(chain.read(lone)).rejects.toMatchObject({ code: "INTEGRITY" });
  });

  test("the default is asked first and not twice when also listed among the others", async () => {
    const calls: string[] = [];
    const spy = new MemoryStore();
    const orig = spy.has.bind(spy);
    spy.has = async (d) => (calls.push("spy"), orig(d));
    await new ChainedBlobStore(spy, [spy, local]).has(sha("x"));
    expect(calls).toEqual(["spy"]);
  });
});
