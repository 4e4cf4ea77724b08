import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { resolveOciLayout, splitImageValue } from "./container-image.ts";

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
