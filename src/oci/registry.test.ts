// Against a real registry (Debian's docker-registry, distribution 2.8): fallback referrers, chunked upload, mount,
// and manifest bytes checked independently with `skopeo inspect --raw`.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createOciClient } from "./client.ts";
import { sha256Digest } from "./manifests.ts";
import { pushArtifact } from "./oras.ts";
import { fallbackTag } from "./referrers.ts";
import { requireBinary, SKOPEO_BIN, skopeoInspectRaw, startRegistry, type RunningRegistry } from "./registry.testutil.ts";
import { EMPTY_DIGEST, MEDIA } from "./types.ts";

let reg: RunningRegistry;
beforeAll(async () => {
  requireBinary(SKOPEO_BIN, "skopeo");
  reg = await startRegistry();
});
afterAll(() => reg?.stop());

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
const client = (chunkBytes = 1024) => createOciClient({ registry: reg.host, insecureHttp: true, chunkBytes, backoffMs: 1 });

describe("real registry (docker-registry 2.8)", () => {
  test("an artifact with a subject: exact bytes, tag-fallback referrers, skopeo agrees", async () => {
    const c = client();
    const image = await pushArtifact(c, { repository: "team/app", artifactType: "application/vnd.example.image", files: [], tag: "v1" });
    const sbom = new TextEncoder().encode('{"bomFormat":"CycloneDX"}');
    const res = await pushArtifact(c, {
      repository: "team/app", artifactType: MEDIA.sigstoreBundle, tag: "att",
      files: [{ mediaType: MEDIA.sigstoreBundle, title: "bundle.json", source: { chunks: chunksOf(sbom, 7) } }],
      annotations: { "org.opencontainers.image.created": "2026-01-01T00:00:00Z" },
      subject: image.manifest,
    });
    expect(res.referrers).toBe("tag-fallback");
    expect(res.layers[0]).toEqual({ mediaType: MEDIA.sigstoreBundle, digest: sha256Digest(sbom), size: sbom.length, annotations: { "org.opencontainers.image.title": "bundle.json" } });
    const raw = await skopeoInspectRaw(reg.host, "team/app:att");
    expect(sha256Digest(raw)).toBe(res.manifest.digest);
    const m = JSON.parse(new TextDecoder().decode(raw));
    expect(m.config.digest).toBe(EMPTY_DIGEST);
    expect(m.subject.digest).toBe(image.manifest.digest);
    const refs = await c.referrers("team/app", image.manifest.digest);
    expect(refs).toEqual([res.manifest]);
    expect(refs[0]?.artifactType).toBe(MEDIA.sigstoreBundle);
    expect(refs[0]?.annotations).toEqual({ "org.opencontainers.image.created": "2026-01-01T00:00:00Z" });
    expect(await c.referrers("team/app", image.manifest.digest, "application/other")).toEqual([]);
    // pushing again changes nothing in the index
    await pushArtifact(c, { repository: "team/app", artifactType: MEDIA.sigstoreBundle, files: [{ mediaType: MEDIA.sigstoreBundle, title: "bundle.json", source: { chunks: chunksOf(sbom, 7) } }], annotations: { "org.opencontainers.image.created": "2026-01-01T00:00:00Z" }, subject: image.manifest });
    expect(await c.referrers("team/app", image.manifest.digest)).toHaveLength(1);
    expect(await c.listTags("team/app")).toEqual(expect.arrayContaining(["v1", "att", fallbackTag(image.manifest.digest)]));
    const index = await skopeoInspectRaw(reg.host, `team/app:${fallbackTag(image.manifest.digest)}`);
    expect(JSON.parse(new TextDecoder().decode(index)).manifests).toHaveLength(1);
  });

  test("chunked upload of a multi-chunk blob, read back verified, then mounted into another repository", async () => {
    const c = client(1000);
    const blob = crypto.getRandomValues(new Uint8Array(10_500));
    const pushed = await c.pushBlob("src/repo", { chunks: chunksOf(blob, 333) });
    expect(pushed).toEqual({ digest: sha256Digest(blob), size: blob.length });
    expect(await c.readBlob("src/repo", pushed.digest)).toEqual(blob);
    expect(await c.hasBlob("dst/repo", pushed.digest)).toBe(false);
    const mounted = await c.pushBlob("dst/repo", { digest: pushed.digest, size: blob.length, chunks: chunksOf(new Uint8Array(), 1) }, { mountFrom: "src/repo" });
    expect(mounted).toEqual(pushed);
    expect(await c.hasBlob("dst/repo", pushed.digest)).toBe(true);
    const opened = await c.openBlob("dst/repo", pushed.digest);
    expect(opened.size).toBe(blob.length);
  });

  test("a digest mismatch is INTEGRITY and commits nothing", async () => {
    const c = client(100);
    const blob = crypto.getRandomValues(new Uint8Array(450));
    const wrong = `sha256:${"0".repeat(64)}`;
    await expect(c.pushBlob("x/y", { digest: wrong, chunks: chunksOf(blob, 50) })).rejects.toMatchObject({ code: "INTEGRITY" });
    expect(await c.hasBlob("x/y", sha256Digest(blob))).toBe(false);
  });

  test("missing manifests and blobs are NOT_FOUND naming the registry and repository", async () => {
    const c = client();
    expect(await c.headManifest("team/app", "nope")).toBeUndefined();
    await expect(c.getManifest("team/app", "nope")).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining(`registry ${reg.host}, repository team/app`) });
    expect(await c.listTags("never/pushed")).toEqual([]);
  });
});
