import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOciClient } from "../../oci/client.ts";
import { startRegistry, type RunningRegistry } from "../../oci/registry.testutil.ts";
import { MEDIA, type OciClient } from "../../oci/types.ts";
import type { CasBackendRecord } from "../cas-backend-port.ts";
import { DiskBlobStore } from "../cas/disk-blob-store.ts";
import type { BlobStream } from "../ports.ts";
import { evidenceStore } from "./evidence-stores.ts";
import { evidenceTag, OciBlobStore } from "./oci-blob-store.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const dir = mkdtempSync(join(tmpdir(), "cairn-ociblob-"));
let registry: RunningRegistry;
let client: OciClient;
let store: OciBlobStore;

beforeAll(async () => {
  registry = await startRegistry();
  client = createOciClient({ registry: registry.host, insecureHttp: true, backoffMs: 1, chunkBytes: 64 * 1024 });
  store = new OciBlobStore(async () => client, "team/evidence", "test");
});
afterAll(async () => {
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function text(s: BlobStream): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const c of s.chunks) parts.push(new Uint8Array(c));
  return Buffer.concat(parts).toString();
}

async function manifest(digest: string): Promise<{ artifactType: string; layers: { mediaType: string; digest: string; annotations?: Record<string, string> }[]; annotations: Record<string, string> }> {
  const m = await client.getManifest("team/evidence", evidenceTag(digest));
  return JSON.parse(new TextDecoder().decode(m.bytes));
}

describe("OciBlobStore against docker-registry", () => {
  test("ingestFile pushes an ORAS artifact tagged sha256-<hex>.cairn whose one layer is the file, titled with its name", async () => {
    const path = join(dir, "app.bin");
    const content = "x".repeat(200 * 1024); // several 64 KiB chunks: a chunked upload
    writeFileSync(path, content);
    const progress: number[] = [];
    const ref = await store.ingestFile(path, { onProgress: (n) => progress.push(n) });
    expect(ref).toEqual({ digest: sha(content), size: content.length });
    expect(progress.at(-1)).toBe(content.length);
    const m = await manifest(ref.digest);
    expect(m.artifactType).toBe(MEDIA.cairnEvidence);
    expect(m.layers).toEqual([{ mediaType: "application/octet-stream", digest: ref.digest, size: content.length, annotations: { "org.opencontainers.image.title": "app.bin" } } as never]);
    expect(m.annotations).toEqual({ "org.opencontainers.image.authors": "cairn" });
    expect(await client.listTags("team/evidence")).toContain(evidenceTag(ref.digest));
  });

  test("has, read and openRead find what was pushed; unknown digests are absent / NOT_FOUND", async () => {
    const ref = await store.putBytes(new TextEncoder().encode("bundle bytes"));
    expect(await store.has(ref.digest)).toBe(true);
    expect(Buffer.from(await store.read(ref.digest)).toString()).toBe("bundle bytes");
    expect(await text(await store.openRead(ref.digest))).toBe("bundle bytes");
    const missing = sha("never pushed");
    expect(await store.has(missing)).toBe(false);
    await expect(store.read(missing)).rejects.toThrow(`blob ${missing} is not in CAS backend test`);
    await expect(store.openRead(missing)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("putBytes of a blob already there pushes nothing again (same tag, same manifest)", async () => {
    const bytes = new TextEncoder().encode("again");
    const first = await store.putBytes(bytes);
    const before = await client.headManifest("team/evidence", evidenceTag(first.digest));
    await store.putBytes(bytes);
    expect((await client.headManifest("team/evidence", evidenceTag(first.digest)))?.digest).toBe(before!.digest);
  });

  test("putBytes and ingestStream title the layer with the name given; without one the layer has no title", async () => {
    const titled = await store.putBytes(new TextEncoder().encode("{\"bomFormat\":\"CycloneDX\"}"), { name: "bom.cdx.json" });
    expect((await manifest(titled.digest)).layers[0]!.annotations).toEqual({ "org.opencontainers.image.title": "bom.cdx.json" });
    const streamed = await store.ingestStream((async function* () {
      yield new TextEncoder().encode("uploaded through the API");
    })(), { name: "report.txt" });
    expect((await manifest(streamed.digest)).layers[0]!.annotations).toEqual({ "org.opencontainers.image.title": "report.txt" });
    const bare = await store.putBytes(new TextEncoder().encode("a bundle, nameless"));
    expect((await manifest(bare.digest)).layers[0]!.annotations).toBeUndefined();
  });

  test("ingestStream hashes while uploading; over maxBytes it is TOO_LARGE and nothing is tagged", async () => {
    const chunks = async function* (n: number) {
      for (let i = 0; i < n; i++) yield new Uint8Array(40 * 1024).fill(i);
    };
    const ok = await store.ingestStream(chunks(3), { maxBytes: 200 * 1024 });
    expect(ok.size).toBe(120 * 1024);
    expect(await store.has(ok.digest)).toBe(true);
    const tagsBefore = await client.listTags("team/evidence");
    await expect(store.ingestStream(chunks(6), { maxBytes: 200 * 1024 })).rejects.toMatchObject({ code: "TOO_LARGE" });
    expect(await client.listTags("team/evidence")).toEqual(tagsBefore);
  });
});

describe("evidenceStore (what the composition root builds)", () => {
  const local = new DiskBlobStore(join(dir, "local-cas"));
  const backend = (name: string, isDefault: boolean): CasBackendRecord => ({
    id: name, name, provider: "oci", location: `${registry.host}/${name}`, username: null, passwordEnv: null, insecureHttp: true, isDefault, createdAt: "2025-01-01T00:00:00.000Z",
  });

  test("without backends it is the local disk CAS itself, and no registry client is made", () => {
    let made = 0;
    expect(evidenceStore(local, [], async () => (made++, client))).toBe(local);
    expect(made).toBe(0);
  });

  test("with backends: one client per host, made on first use; writes go to the default, reads find the others", async () => {
    const hosts: string[] = [];
    const chain = evidenceStore(local, [backend("one", false), backend("two", true)], async (h) => (hosts.push(h), client));
    expect(hosts).toEqual([]);
    const inOne = await new OciBlobStore(async () => client, "one", "one").putBytes(new TextEncoder().encode("in one"));
    const written = await chain.putBytes(new TextEncoder().encode("to the default"));
    expect(await new OciBlobStore(async () => client, "two", "two").has(written.digest)).toBe(true);
    expect(Buffer.from(await chain.read(inOne.digest)).toString()).toBe("in one");
    expect(hosts).toEqual([registry.host]);
  });
});
