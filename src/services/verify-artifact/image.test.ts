import { afterEach, describe, expect, test } from "bun:test";
import { createOciClient } from "../../oci/client.ts";
import { startFakeRegistry, type FakeRegistry } from "../../oci/fake-registry.testutil.ts";
import type { CasBackendRecord } from "../../store/cas-backend-port.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import { pushTestImage } from "../materials/registry-image.testutil.ts";
import { addMaterial } from "../crafting/add.ts";
import { initAttestation } from "../crafting/init.ts";
import { pushAttestation } from "../crafting/push.ts";
import { verifyImage } from "./image.ts";

const CONTRACT = "schemaVersion: v1\nmaterials:\n  - name: app-image\n    type: CONTAINER_IMAGE\n    output: true\n";
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

async function store(host: string): Promise<TestStore> {
  const s = await testStore({ CAIRN_INSECURE_REGISTRIES: host });
  cleanup.push(() => s.cleanup());
  return s;
}

/** A registry holding team/app:1.0, and a store whose push attached its attestation to it as an OCI referrer. */
async function attestedImage(): Promise<{ reg: FakeRegistry; s: TestStore; ref: string; image: string; bundle: string; provenance: string }> {
  const reg = await startFakeRegistry();
  cleanup.push(() => reg.stop());
  const image = await pushTestImage(createOciClient({ registry: reg.host, insecureHttp: true, retries: 0 }), "team/app", "1.0");
  const s = await store(reg.host);
  const backend: CasBackendRecord = { id: "b1", name: "registry", provider: "oci", location: `${reg.host}/evidence`, username: null, passwordEnv: null, insecureHttp: true, isDefault: true, createdAt: "2025-01-01T00:00:00Z" };
  await s.app.casBackends.insert(backend);
  const ref = `${reg.host}/team/app:1.0`;
  await initAttestation(s.app, { workflow: "build", project: "p", contract: s.file("contract.yaml", CONTRACT), dryRun: false, replace: true });
  await addMaterial(s.app, { name: "app-image", value: ref, annotations: {}, strict: true });
  const r = await pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {} });
  expect(r.referrers).toHaveLength(1);
  // The SLSA provenance went next to the image too.
  expect(r.provenance?.referrers).toHaveLength(1);
  return { reg, s, ref, image: image.digest, bundle: r.digest, provenance: r.provenance!.digest };
}

describe("verifyImage", () => {
  test("a registry reference resolves to its manifest digest; the store's attestation and its referrer copy count once", async () => {
    const { s, ref, image, bundle, provenance } = await attestedImage();
    const v = await verifyImage(s.app, ref, { policy: { workflow: "build" }, trust: { keys: [s.key.publicKey], roots: [] } });
    expect(v).toMatchObject({ subject: image, result: "PASSED" });
    expect(v.acceptedDigests.sort()).toEqual([bundle, provenance].sort());
    expect(v.resourceUri).toBe(`${ref.replace(":1.0", "")}@${image}`);
    expect(v.considered.map((c) => [c.digest, c.source]).sort()).toEqual([[bundle, "store"], [provenance, "store"]].sort());
  });

  test("a store that does not hold the referrer bundle: its run is unknown, so it passes only a policy needing no run facts", async () => {
    const { reg, s, ref, image, bundle, provenance } = await attestedImage();
    const elsewhere = await store(reg.host);
    const trust = { keys: [s.key.publicKey], roots: [] };
    const strict = await verifyImage(elsewhere.app, ref, { policy: { workflow: "build" }, trust });
    expect(strict).toMatchObject({ subject: image, result: "FAILED", noValidAttestation: false });
    expect(strict.considered.find((c) => c.digest === bundle)).toEqual(
      expect.objectContaining({ digest: bundle, source: "registry", workflow: "build", reasons: ["its run is not in the store, so --workflow, the contract revision check (--allow-behind skips it) cannot be checked"] }),
    );
    expect(strict.considered.find((c) => c.digest === provenance)).toEqual(expect.objectContaining({ source: "registry", accepted: false }));
    const lenient = await verifyImage(elsewhere.app, ref, { policy: { allowBehind: true }, trust });
    expect(lenient).toMatchObject({ result: "PASSED" });
    expect(lenient.acceptedDigests).toContain(bundle);
    const forged = await verifyImage(elsewhere.app, ref, { policy: { allowBehind: true }, trust: { keys: [], roots: [] } });
    expect(forged).toMatchObject({ result: "FAILED", noValidAttestation: true });
  });
});
