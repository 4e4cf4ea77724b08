import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { Sandbox } from "./harness.ts";

const sb = new Sandbox();
afterAll(() => sb.cleanup());

/** A minimal OCI image layout: oci-layout, index.json and the manifest blob. */
function layout(dir: string, tag: string): string {
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: {}, layers: [] });
  const hex = createHash("sha256").update(manifest).digest("hex");
  mkdirSync(sb.path(dir, "blobs", "sha256"), { recursive: true });
  writeFileSync(sb.path(dir, "blobs", "sha256", hex), manifest);
  writeFileSync(sb.path(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const entry = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${hex}`, size: manifest.length, annotations: { "org.opencontainers.image.ref.name": tag } };
  writeFileSync(sb.path(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
  return `sha256:${hex}`;
}

test("an OCI layout directory is detected as CONTAINER_IMAGE, recorded by manifest digest, and checkable as a subject", () => {
  const digest = layout("image", "v1");
  sb.ok(["keys", "generate"]);
  writeFileSync(sb.path("contract.yaml"), "schemaVersion: v1\nmaterials:\n  - name: app-image\n    type: CONTAINER_IMAGE\n    output: true\n");
  sb.ok(["att", "init", "--workflow", "img", "--project", "p", "--contract", "contract.yaml"]);
  expect(sb.json<{ kind: string }>(["materials", "detect", "image"]).kind).toBe("CONTAINER_IMAGE");
  const m = sb.json<{ digest: string; annotations: Record<string, string> }>(["att", "add", "--name", "app-image", "--value", `image@${digest}`]);
  expect(m.digest).toBe(digest);
  expect(m.annotations["cairn.material.image.tag"]).toBe("v1");
  expect(m.annotations["cairn.material.image.is_latest_tag"]).toBe("false");
  sb.ok(["att", "push", "--key", "cosign.key", "--bundle", "b.json"]);
  expect(sb.run(["att", "verify", "-b", "b.json", "-k", "cosign.pub", "--subject", `image=${digest}`]).code).toBe(0);
  expect(sb.run(["att", "verify", "-b", "b.json", "-k", "cosign.pub", "--subject", `image=sha256:${"0".repeat(64)}`]).code).toBe(1);
});

test("a tampered manifest blob is refused", () => {
  const digest = layout("bad", "v1");
  writeFileSync(sb.path("bad", "blobs", "sha256", digest.slice(7)), "tampered");
  sb.ok(["att", "init", "--workflow", "img2", "--project", "p", "--dry-run", "--replace"]);
  const r = sb.run(["att", "add", "--name", "x", "--kind", "CONTAINER_IMAGE", "--value", "bad"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("does not match its digest");
});
