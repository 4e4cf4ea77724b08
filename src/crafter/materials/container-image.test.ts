import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { cosignSignatureTag, imageSource, registryImageAnnotations, registryImageName, resolveOciLayout, signatureFromReferrers, splitImageValue, unresolvedRegistryImage } from "./container-image.ts";
import { parseImageRef } from "../../oci/reference.ts";

const D1 = `sha256:${"a".repeat(64)}`;
const D2 = `sha256:${"b".repeat(64)}`;
const LAYOUT = JSON.stringify({ imageLayoutVersion: "1.0.0" });
const index = (...m: object[]) => JSON.stringify({ schemaVersion: 2, manifests: m });
const manifest = (digest: string, ref?: string) => ({
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  digest,
  size: 400,
  ...(ref ? { annotations: { "org.opencontainers.image.ref.name": ref } } : {}),
});
const resolve = (idx: string, pin?: string) => resolveOciLayout({ dir: "img", ociLayout: LAYOUT, index: idx, pin, dirName: "img" });

describe("CONTAINER_IMAGE from an OCI image layout", () => {
  test("splits dir@digest", () => {
    expect(splitImageValue(`out/img@${D1}`)).toEqual({ dir: "out/img", pin: D1 });
    expect(splitImageValue("out/img")).toEqual({ dir: "out/img" });
  });

  test("a single manifest: its digest, a bare ref.name tag names the image after the directory", () => {
    expect(resolve(index(manifest(D1, "latest")))).toEqual({
      digest: D1,
      name: "img",
      tag: "latest",
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      annotations: {
        "cairn.material.image.media_type": "application/vnd.oci.image.manifest.v1+json",
        "cairn.material.image.tag": "latest",
        "cairn.material.image.is_latest_tag": "true",
      },
    });
  });

  test("a full reference names the image", () => {
    const img = resolve(index(manifest(D1, "registry.example:5000/team/app:v1.2")));
    expect([img.name, img.tag]).toEqual(["registry.example:5000/team/app", "v1.2"]);
  });

  test("several manifests need a pin; the pin must be listed", async () => {
    const idx = index(manifest(D1, "v1"), manifest(D2, "v2"));
    await expectCode(() => resolve(idx), "MATERIAL_INVALID");
    expect(resolve(idx, D2).tag).toBe("v2");
    await expectCode(() => resolve(idx, `sha256:${"c".repeat(64)}`), "MATERIAL_INVALID");
  });

  test("broken layouts are refused", async () => {
    await expectCode(() => resolveOciLayout({ dir: "x", ociLayout: "{}", index: index(manifest(D1)), dirName: "x" }), "MATERIAL_INVALID");
    await expectCode(() => resolve("not json"), "MATERIAL_INVALID");
    await expectCode(() => resolve(index()), "MATERIAL_INVALID");
  });
});

describe("CONTAINER_IMAGE from a registry (pure parts)", () => {
  const ref = { registry: "127.0.0.1:5000", repository: "team/app", tag: "latest" };
  const m = { digest: D1, mediaType: "application/vnd.oci.image.manifest.v1+json", size: 420 };

  test("an existing path is a layout whatever it looks like; a HOST/REPO value that is no path is a registry ref", () => {
    expect(imageSource("127.0.0.1:5000/team/app:1.0", true)).toBe("layout");
    expect(imageSource("127.0.0.1:5000/team/app:1.0", false)).toBe("registry");
    expect(imageSource(`registry.example.com/app@${D1}`, false)).toBe("registry");
    expect(imageSource("localhost/app", false)).toBe("registry");
    expect(imageSource("build/image", false)).toBe("layout");
    expect(imageSource("./x.y/z", false)).toBe("layout");
    expect(imageSource("alpine", false)).toBe("layout");
  });

  test("annotations: tag, latest, media type, size, registry and no signature", () => {
    expect(registryImageName(ref)).toBe("127.0.0.1:5000/team/app");
    expect(registryImageAnnotations(ref, m, undefined)).toEqual({
      "cairn.material.image.registry": "127.0.0.1:5000",
      "cairn.material.image.media_type": m.mediaType,
      "cairn.material.image.size": "420",
      "cairn.material.image.tag": "latest",
      "cairn.material.image.is_latest_tag": "true",
      "cairn.material.signature": "false",
    });
  });

  test("a digest reference has no tag annotations; a signature is named with its provider", () => {
    const a = registryImageAnnotations({ registry: "r.io", repository: "a", digest: D1 }, m, { provider: "notary", digest: D2 });
    expect(a["cairn.material.image.tag"]).toBeUndefined();
    expect(a["cairn.material.image.is_latest_tag"]).toBeUndefined();
    expect([a["cairn.material.signature"], a["cairn.material.signature.provider"], a["cairn.material.signature.digest"]]).toEqual(["true", "notary", D2]);
  });

  test("signatures among referrers: cosign types, sigstore bundles that are not attestations, notary", () => {
    const d = (artifactType: string, annotations?: Record<string, string>, digest = D2) => ({ mediaType: "application/vnd.oci.image.manifest.v1+json", digest, size: 1, artifactType, annotations });
    expect(signatureFromReferrers([])).toBeUndefined();
    expect(signatureFromReferrers([d("application/vnd.dev.cosign.simplesigning.v1+json")])).toEqual({ provider: "cosign", digest: D2 });
    const attestation = d("application/vnd.dev.sigstore.bundle.v0.3+json", { "dev.sigstore.bundle.content": "dsse-envelope" });
    expect(signatureFromReferrers([attestation])).toBeUndefined();
    const signature = d("application/vnd.dev.sigstore.bundle.v0.3+json", { "dev.sigstore.bundle.content": "message-signature" }, D1);
    expect(signatureFromReferrers([attestation, signature])).toEqual({ provider: "cosign", digest: D1 });
    expect(signatureFromReferrers([d("application/vnd.cncf.notary.signature")])).toEqual({ provider: "notary", digest: D2 });
    expect(signatureFromReferrers([d("application/vnd.cncf.notary.signature", undefined, D1), d("application/vnd.dev.cosign.artifact.sig.v1+json")])?.provider).toBe("cosign");
  });

  test("cosign's tag for a digest", () => {
    expect(cosignSignatureTag(D1)).toBe(`sha256-${"a".repeat(64)}.sig`);
  });
});

describe("CONTAINER_IMAGE taken unresolved (no registry)", () => {
  test("a pinned reference: its digest, the tag, resolved=false and no image.registry (nothing is pushed next to it)", () => {
    expect(unresolvedRegistryImage(`r.example/team/app:1.0@${D1}`, parseImageRef(`r.example/team/app:1.0@${D1}`))).toEqual({
      name: "r.example/team/app",
      digest: D1,
      annotations: { "cairn.material.image.resolved": "false", "cairn.material.image.tag": "1.0", "cairn.material.image.is_latest_tag": "false" },
    });
  });

  test("a tag-only reference is USAGE naming it and the fix", async () => {
    const e = await expectCode(() => unresolvedRegistryImage("r.example/team/app:1.0", parseImageRef("r.example/team/app:1.0")), "USAGE");
    expect(e.message).toBe("image r.example/team/app:1.0 has no digest: without the registry its digest cannot be known");
    expect(e.hint).toContain("pin it @sha256:…, e.g. r.example/team/app@sha256:<digest>");
  });
});
