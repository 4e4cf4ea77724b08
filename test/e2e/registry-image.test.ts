// CONTAINER_IMAGE materials from a real registry (Debian's docker-registry) and attestations pushed next to them.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { createOciClient } from "../../src/oci/client.ts";
import { startRegistry, type RunningRegistry } from "../../src/oci/registry.testutil.ts";
import { MEDIA, type OciClient } from "../../src/oci/types.ts";
import { pushCosignSigTag, pushTestImage, type PushedImage } from "../../src/services/materials/registry-image.testutil.ts";
import { Sandbox } from "./harness.ts";
import { serve } from "./serve.harness.ts";

const sb = new Sandbox();
let reg: RunningRegistry;
let client: OciClient;
let image: PushedImage;
let sig: string;
let env: Record<string, string>;

beforeAll(async () => {
  reg = await startRegistry();
  client = createOciClient({ registry: reg.host, insecureHttp: true, retries: 0 });
  image = await pushTestImage(client, "team/app", "1.0");
  sig = await pushCosignSigTag(client, "team/app", image.digest);
  env = { CAIRN_INSECURE_REGISTRIES: reg.host };
});
afterAll(async () => {
  await reg.stop();
  sb.cleanup();
});

test("an image reference is auto-detected without the network, resolved on add, and the attestation is pushed as its referrer", async () => {
  sb.ok(["keys", "generate"]);
  writeFileSync(sb.path("contract.yaml"), "schemaVersion: v1\nmaterials:\n  - name: app-image\n    type: CONTAINER_IMAGE\n    output: true\n");
  // Detection is a pure sniff: an address nobody listens on is still an image.
  expect(sb.json<{ kind: string }>(["materials", "detect", "127.0.0.1:1/team/app:1.0"]).kind).toBe("CONTAINER_IMAGE");

  sb.ok(["cas-backend", "add", "oci", "--name", "registry", "--repo", `${reg.host}/evidence`, "--insecure-http", "--default"], env);
  sb.ok(["att", "init", "--workflow", "img", "--project", "p", "--contract", "contract.yaml"], env);
  const m = sb.json<{ value: string; digest: string; annotations: Record<string, string> }>(["att", "add", "--name", "app-image", "--value", `${reg.host}/team/app:1.0`], env);
  expect(m.digest).toBe(image.digest);
  expect(m.value).toBe(`${reg.host}/team/app`);
  expect(m.annotations["cairn.material.image.tag"]).toBe("1.0");
  expect(m.annotations["cairn.material.image.is_latest_tag"]).toBe("false");
  expect(m.annotations["cairn.material.signature"]).toBe("true");
  expect(m.annotations["cairn.material.signature.provider"]).toBe("cosign");
  expect(m.annotations["cairn.material.signature.digest"]).toBe(sig);

  const pushed = sb.json<{ digest: string; storedAt: string; referrers: { image: string; digest: string; mode: string }[]; provenance: { referrers: { digest: string }[] } }>(["att", "push", "--key", "cosign.key"], env);
  expect(pushed.storedAt).toBe(`${reg.host}/evidence:sha256-${pushed.digest.slice(7)}.cairn`);
  expect(pushed.referrers).toEqual([{ image: `${reg.host}/team/app@${image.digest}`, digest: expect.any(String), mode: "tag-fallback" }]);

  // The attestation and its SLSA provenance, both next to the image.
  const found = await client.referrers("team/app", image.digest, MEDIA.sigstoreBundle);
  expect(found.map((d) => d.digest).sort()).toEqual([pushed.referrers[0]!.digest, pushed.provenance.referrers[0]!.digest].sort());
  const manifest = JSON.parse(new TextDecoder().decode((await client.getManifest("team/app", found[0]!.digest)).bytes)) as { layers: { digest: string }[] };
  const layer = await client.readBlob("team/app", manifest.layers[0]!.digest);
  const described = sb.ok(["workflow", "run", "describe", "--digest", pushed.digest, "-o", "attestation"], env).stdout;
  expect(new TextDecoder().decode(layer).trim()).toBe(described.trim());

  // Re-resolving the image now: cairn's own attestation referrer is not a signature, the .sig tag still is.
  sb.ok(["att", "init", "--workflow", "loose", "--project", "p", "--dry-run", "--replace"], env);
  // (A tag: a dry run takes a @sha256:-pinned reference by its digest, asking no registry.)
  const again = sb.json<{ annotations: Record<string, string> }>(["att", "add", "--name", "x", "--value", `${reg.host}/team/app:1.0`], env);
  expect(again.annotations["cairn.material.signature.digest"]).toBe(sig);
  const pinned = sb.json<{ digest: string; annotations: Record<string, string> }>(["att", "add", "--name", "y", "--value", `${reg.host}/team/app@${image.digest}`], env);
  expect([pinned.digest, pinned.annotations["cairn.material.image.resolved"]]).toEqual([image.digest, "false"]);

  // The table output names where the bundle went.
  sb.ok(["att", "init", "--workflow", "img", "--project", "p", "--contract", "contract.yaml", "--replace"], env);
  sb.ok(["att", "add", "--name", "app-image", "--value", `${reg.host}/team/app:1.0`], env);
  const table = sb.ok(["att", "push", "--key", "cosign.key"], env).stdout;
  expect(table).toMatch(new RegExp(`Referrer\\W+sha256:[0-9a-f]{64} of ${reg.host}/team/app@${image.digest} \\(tag-fallback\\)`));
});

test("an unknown image is refused naming the reference; an unreachable registry says resolution needs it", () => {
  sb.ok(["att", "init", "--workflow", "loose", "--project", "p", "--dry-run", "--replace"], env);
  const unknown = sb.run(["att", "add", "--name", "x", "--value", `${reg.host}/team/app:nope`], env);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain(`${reg.host}/team/app:nope`);
  const down = sb.run(["att", "add", "--name", "x", "--kind", "CONTAINER_IMAGE", "--value", "127.0.0.1:1/team/app:1.0"], { ...env, CAIRN_INSECURE_REGISTRIES: "127.0.0.1:1" });
  expect(down.code).toBe(1);
  expect(down.stderr).toContain("127.0.0.1:1/team/app:1.0");
  expect(down.stderr).toContain("--dry-run");
});

test("crafted against `cairn serve`: the server, whose default CAS backend is the registry, pushes the referrer", async () => {
  const server = new Sandbox();
  const ci = new Sandbox(); // a CI machine: its own HOME, no store, no backend
  const srv = { stop: async () => 0 } as { stop(): Promise<number> };
  try {
    const remoteImage = await pushTestImage(client, "team/remote", "2.0");
    server.ok(["keys", "generate"]);
    server.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
    server.ok(["cas-backend", "add", "oci", "--name", "registry", "--repo", `${reg.host}/evidence`, "--insecure-http", "--default"]);
    const token = server.json<{ token: string }>(["org", "api-token", "create", "--name", "ci"]).token;
    const running = await serve(server);
    srv.stop = running.stop;
    const remote = { ...env, CAIRN_CONTROL_PLANE: running.url, CAIRN_TOKEN: token };
    writeFileSync(ci.path("contract.yaml"), "schemaVersion: v1\nmaterials:\n  - name: app-image\n    type: CONTAINER_IMAGE\n    output: true\n");
    ci.ok(["att", "init", "--workflow", "img", "--project", "p", "--contract", "contract.yaml"], remote);
    ci.ok(["att", "add", "--name", "app-image", "--value", `${reg.host}/team/remote:2.0`], remote);
    const pushed = ci.json<{ referrers: { image: string; digest: string; mode: string }[]; provenance: { referrers: { digest: string }[] } }>(["att", "push", "--key", server.path("cosign.key")], remote);
    expect(pushed.referrers).toEqual([{ image: `${reg.host}/team/remote@${remoteImage.digest}`, digest: expect.any(String), mode: "tag-fallback" }]);
    const found = await client.referrers("team/remote", remoteImage.digest, MEDIA.sigstoreBundle);
    expect(found.map((d) => d.digest).sort()).toEqual([pushed.referrers[0]!.digest, pushed.provenance.referrers[0]!.digest].sort());
  } finally {
    expect(await srv.stop()).toBe(0);
    server.cleanup();
    ci.cleanup();
  }
});
