// A scoped caller (an API token of one workflow) must learn nothing about, and never be passed by, another workflow's
// attestation, even one its own attestation chains to as an ATTESTATION material (the graph makes that node visible).
import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pushGated, startRun, testStore } from "../control/runs.testutil.ts";
import { addMaterial } from "../crafting/add.ts";
import { pushAttestation } from "../crafting/push.ts";
import { verifyArtifactDigest } from "./digest.ts";

const s = await testStore();
afterAll(() => s.cleanup());

test("an out-of-scope (blocked) attestation reached through a chained material is listed without facts and never accepted", async () => {
  const app = s.app;
  const blocked = (await app.repo.getRun(await pushGated(s, "gated", "other", "banned")))!;
  expect(blocked.state).toBe("blocked");
  writeFileSync(join(s.dir, "upstream.json"), await app.blobs.read(blocked.attestationDigest!));
  const sbom = `sha256:${createHash("sha256").update(readFileSync(join(s.dir, "banned.cdx.json"))).digest("hex")}`;
  await startRun(s, "consumer", "skynet");
  await addMaterial(app, { name: "upstream", kind: "ATTESTATION", value: "upstream.json", annotations: {}, strict: false });
  await addMaterial(app, { name: "sbom-in", kind: "SBOM_CYCLONEDX_JSON", value: "banned.cdx.json", annotations: {}, strict: false });
  await pushAttestation(app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {}, provenance: { enabled: false } });
  const orgId = (await app.repo.findOrg("default"))!.id;
  const scope = { workflowId: (await app.repo.findWorkflow(orgId, "skynet", "consumer"))!.id };
  const input = { digest: sbom, resourceUri: "x", policy: { allowBehind: true, includeInputs: true }, trust: { keys: [s.key.publicKey], roots: [] }, exhaustive: true };
  const unscoped = await verifyArtifactDigest(app, input);
  expect(unscoped.considered.find((c) => c.digest === blocked.attestationDigest)?.reasons).toContain("run blocked by policy gate");
  const scoped = await verifyArtifactDigest(app, { ...input, scope });
  const seen = scoped.considered.find((c) => c.digest === blocked.attestationDigest);
  if (seen) {
    expect(seen).toEqual({ digest: blocked.attestationDigest!, predicateType: "", accepted: false, reasons: ["outside this token's scope"], tlog: false, source: "store" });
  }
  expect(scoped.acceptedDigests).not.toContain(blocked.attestationDigest!);
  expect(JSON.stringify(scoped)).not.toContain(blocked.id);
  expect(JSON.stringify(scoped)).not.toContain('"gated"');
});
