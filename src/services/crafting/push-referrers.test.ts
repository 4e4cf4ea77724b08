import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOciClient } from "../../oci/client.ts";
import { startFakeRegistry } from "../../oci/fake-registry.testutil.ts";
import { startRegistry } from "../../oci/registry.testutil.ts";
import { MEDIA, type OciClient } from "../../oci/types.ts";
import type { CasBackendRecord } from "../../store/cas-backend-port.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import { pushTestImage, type PushedImage } from "../materials/registry-image.testutil.ts";
import { addMaterial } from "./add.ts";
import { initAttestation } from "./init.ts";
import { pushAttestation, type PushResult } from "./push.ts";
import { registryImageSubjects } from "./push-referrers.ts";

const stores: TestStore[] = [];
afterAll(() => stores.forEach((s) => s.cleanup()));

const CONTRACT = "schemaVersion: v1\nmaterials:\n  - name: app-image\n    type: CONTAINER_IMAGE\n    output: true\n";

function backend(location: string): CasBackendRecord {
  return { id: "b1", name: "registry", provider: "oci", location, username: null, passwordEnv: null, insecureHttp: true, isDefault: true, createdAt: "2025-01-01T00:00:00Z" };
}

interface CraftOptions {
  withBackend: boolean;
  env?: Record<string, string>;
  /** Runs between add and push (e.g. stops the registry). */
  beforePush?: () => Promise<void>;
}

/** init with an output CONTAINER_IMAGE → add the registry reference → push; warnings collected. */
async function craft(host: string, value: string, o: CraftOptions): Promise<{ s: TestStore; r: PushResult; warnings: string[] }> {
  const s = await testStore({ CAIRN_INSECURE_REGISTRIES: host, ...o.env });
  stores.push(s);
  const warnings: string[] = [];
  s.app.reporter = { warn: (m) => warnings.push(m) };
  if (o.withBackend) await s.app.casBackends.insert(backend(`${host}/evidence`));
  await initAttestation(s.app, { workflow: "build", project: "p", contract: s.file("contract.yaml", CONTRACT), dryRun: false, replace: true });
  await addMaterial(s.app, { name: "app-image", value, annotations: {}, strict: true });
  await o.beforePush?.();
  const r = await pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {} });
  return { s, r, warnings };
}

/** The referrer's single layer, read back from the registry. */
async function referrerBundle(client: OciClient, repository: string, image: PushedImage, digest: string): Promise<Uint8Array> {
  const list = await client.referrers(repository, image.digest, MEDIA.sigstoreBundle);
  const found = list.find((d) => d.digest === digest);
  expect(found?.annotations?.["dev.sigstore.bundle.content"]).toBe("dsse-envelope");
  expect(found?.annotations?.["dev.sigstore.bundle.predicateType"]).toBe("https://cairn.dev/attestation/v0.1");
  const manifest = JSON.parse(new TextDecoder().decode((await client.getManifest(repository, digest)).bytes)) as {
    subject: { digest: string; size: number; mediaType: string };
    layers: { digest: string; mediaType: string }[];
  };
  expect(manifest.subject).toEqual({ digest: image.digest, size: image.size, mediaType: image.mediaType });
  expect(manifest.layers.map((l) => l.mediaType)).toEqual([MEDIA.sigstoreBundle]);
  return client.readBlob(repository, manifest.layers[0]!.digest);
}

describe("attestation push with an OCI default backend pushes the bundle as a referrer of each registry image", () => {
  test("docker-registry (no referrers API): the sha256-<hex> tag fallback", async () => {
    const reg = await startRegistry();
    try {
      const client = createOciClient({ registry: reg.host, insecureHttp: true, retries: 0 });
      const image = await pushTestImage(client, "team/app", "1.0");
      const { s, r, warnings } = await craft(reg.host, `${reg.host}/team/app:1.0`, { withBackend: true });
      expect(warnings).toEqual([]);
      expect(r.referrers).toHaveLength(1);
      expect(r.referrers![0]!.image).toBe(`${reg.host}/team/app@${image.digest}`);
      expect(r.referrers![0]!.mode).toBe("tag-fallback");
      const layer = await referrerBundle(client, "team/app", image, r.referrers![0]!.digest);
      expect(Buffer.from(layer).equals(Buffer.from(await s.app.blobs.read(r.digest)))).toBe(true);
    } finally {
      await reg.stop();
    }
  });

  test("a registry with the referrers API and bearer auth: native", async () => {
    const fake = await startFakeRegistry({ auth: { kind: "bearer", username: "u", password: "p" } });
    try {
      const creds = { username: "u", password: "p" };
      const client = createOciClient({ registry: fake.host, insecureHttp: true, retries: 0, credentials: creds });
      const image = await pushTestImage(client, "team/app", "2.0");
      // Credentials come from a docker config.json, as `docker login` leaves them.
      const dockerDir = mkdtempSync(join(tmpdir(), "cairn-docker-"));
      writeFileSync(join(dockerDir, "config.json"), JSON.stringify({ auths: { [fake.host]: { auth: Buffer.from("u:p").toString("base64") } } }));
      const { s, r, warnings } = await craft(fake.host, `${fake.host}/team/app:2.0`, { withBackend: true, env: { DOCKER_CONFIG: dockerDir } });
      rmSync(dockerDir, { recursive: true, force: true });
      expect(warnings).toEqual([]);
      expect(r.referrers?.map((x) => x.mode)).toEqual(["native"]);
      const layer = await referrerBundle(client, "team/app", image, r.referrers![0]!.digest);
      expect(Buffer.from(layer).equals(Buffer.from(await s.app.blobs.read(r.digest)))).toBe(true);
    } finally {
      await fake.stop();
    }
  });

  test("no OCI default backend: nothing is pushed; a failing registry only warns, the attestation stays stored", async () => {
    const reg = await startRegistry();
    try {
      const client = createOciClient({ registry: reg.host, insecureHttp: true, retries: 0 });
      await pushTestImage(client, "team/app", "1.0");
      const local = await craft(reg.host, `${reg.host}/team/app:1.0`, { withBackend: false });
      expect(local.r.referrers).toBeUndefined();
      const failing = await craft(reg.host, `${reg.host}/team/app:1.0`, { withBackend: true, beforePush: () => reg.stop() });
      expect(failing.r.referrers).toBeUndefined();
      expect(failing.warnings.join("\n")).toContain(`${reg.host}/team/app@`);
      expect(failing.warnings.join("\n")).toContain("oras attach");
      expect((await failing.s.app.blobs.read(failing.r.digest)).length).toBeGreaterThan(0);
    } finally {
      await reg.stop().catch(() => {});
    }
    // Two bundles (the attestation and its SLSA provenance) each wait out the client's retries against the dead registry.
  }, 20_000);
});

test("only container-image subjects resolved from a registry are referrer subjects", () => {
  const sub = (name: string, extra: Record<string, string>) => ({
    name,
    digest: { sha256: "a".repeat(64) },
    annotations: { "cairn.material.type": "CONTAINER_IMAGE", "cairn.material.image.media_type": MEDIA.ociManifest, ...extra },
  });
  const statement = {
    subject: [
      sub("r.io:5000/team/app", { "cairn.material.image.registry": "r.io:5000", "cairn.material.image.size": "42" }),
      sub("r.io:5000/team/layout", {}), // an OCI layout with a registry-like name
      { name: "cairn.workflow.build", digest: { sha256: "b".repeat(64) } },
    ],
  } as unknown as Parameters<typeof registryImageSubjects>[0];
  expect(registryImageSubjects(statement)).toEqual([
    { registry: "r.io:5000", repository: "team/app", subject: { mediaType: MEDIA.ociManifest, digest: `sha256:${"a".repeat(64)}`, size: 42 } },
  ]);
});
