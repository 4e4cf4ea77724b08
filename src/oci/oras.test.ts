import { describe, expect, test } from "bun:test";
import { artifactManifest, canonicalDescriptor } from "./oras.ts";
import { EMPTY_DIGEST, MEDIA } from "./types.ts";

const D = (c: string) => `sha256:${c.repeat(64)}`;

describe("artifact manifests", () => {
  test("fixed key order and sorted annotations: same input, same bytes", () => {
    const input = {
      repository: "r", artifactType: MEDIA.sigstoreBundle, files: [],
      annotations: { z: "1", a: "2" }, subject: { size: 3, digest: D("b"), mediaType: MEDIA.ociIndex, annotations: { dropped: "x" } },
    };
    const layer = { size: 5, mediaType: MEDIA.sigstoreBundle, annotations: { "org.opencontainers.image.title": "b.json" }, digest: D("c") };
    const text = new TextDecoder().decode(artifactManifest(input, [layer]));
    expect(text).toBe(JSON.stringify({
      schemaVersion: 2, mediaType: MEDIA.ociManifest, artifactType: MEDIA.sigstoreBundle,
      config: { mediaType: MEDIA.empty, digest: EMPTY_DIGEST, size: 2 },
      layers: [{ mediaType: MEDIA.sigstoreBundle, digest: D("c"), size: 5, annotations: { "org.opencontainers.image.title": "b.json" } }],
      subject: { mediaType: MEDIA.ociIndex, digest: D("b"), size: 3 },
      annotations: { a: "2", z: "1" },
    }));
  });
  test("no files: one empty layer, as image-spec 1.1 asks", () => {
    const m = JSON.parse(new TextDecoder().decode(artifactManifest({ repository: "r", artifactType: "x/y", files: [] }, [])));
    expect(m.layers).toEqual([{ mediaType: MEDIA.empty, digest: EMPTY_DIGEST, size: 2 }]);
    expect(m.subject).toBeUndefined();
    expect(m.annotations).toBeUndefined();
  });
  test("canonicalDescriptor drops empty annotations", () => {
    expect(Object.keys(canonicalDescriptor({ size: 1, digest: D("a"), annotations: {}, mediaType: "m", artifactType: "t" }))).toEqual(["mediaType", "digest", "size", "artifactType"]);
  });
  test("EMPTY_DIGEST is the sha256 of {}", () => {
    expect(`sha256:${new Bun.CryptoHasher("sha256").update("{}").digest("hex")}`).toBe(EMPTY_DIGEST);
  });
});
