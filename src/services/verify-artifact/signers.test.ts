import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initCa } from "../../ca/init.ts";
import { serializeStatement, type Statement } from "../../crafter/statement.ts";
import { generateKeyPair } from "../../signing/keys.ts";
import { signStatement } from "../../signing/sign.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import { register } from "../control/ingest.testutil.ts";
import { removeOrgKey } from "../control/org-keys.ts";
import { LOCAL_ISSUER } from "../../commands/attestation/signing.ts";
import { homeRoot, pushArtifact, pushKeyless, verify } from "./verify.testutil.ts";
import { SLSA_PROVENANCE_V1 } from "./statement.ts";

let s: TestStore;
afterEach(() => s?.cleanup());

describe("who signed", () => {
  test("an organization key verifies while it is live; once removed (revoked) nothing valid is left", async () => {
    s = await testStore();
    const { artifact } = await pushArtifact(s, "w", "one");
    await register(s.app, "ci", s.key.publicKey);
    expect((await verify(s, artifact, {}, { keys: [] })).result).toBe("PASSED");
    await removeOrgKey(s.app, { name: "ci" });
    const v = await verify(s, artifact, {}, { keys: [] });
    expect(v).toMatchObject({ result: "FAILED", noValidAttestation: true });
    expect(v.considered[0]!.reasons[0]).toStartWith("signature: ");
  });

  test("keyless through the home CA: passes with its root (L2 when the identity is pinned), fails without it (untrusted CA)", async () => {
    s = await testStore();
    const artifact = await pushKeyless(s, "w", "one");
    const roots = [homeRoot(s)];
    const open = await verify(s, artifact, {}, { roots });
    expect(open).toMatchObject({ result: "PASSED", verifiedLevels: ["SLSA_BUILD_LEVEL_UNEVALUATED"] });
    expect(open.considered[0]!.signer).toBe(`${LOCAL_ISSUER}/orgs/default/workflows/skynet/w`);
    const pinned = await verify(s, artifact, { certificateIdentity: `${LOCAL_ISSUER}/orgs/default/workflows/skynet/w`, certificateOidcIssuer: LOCAL_ISSUER }, { roots });
    expect(pinned).toMatchObject({ result: "PASSED", verifiedLevels: ["SLSA_BUILD_LEVEL_2"] });
    const wrong = await verify(s, artifact, { certificateIdentity: "someone-else" }, { roots });
    expect(wrong).toMatchObject({ result: "FAILED", noValidAttestation: false });
    expect(wrong.considered[0]!.reasons[0]).toStartWith("identity mismatch");
    const other = mkdtempSync(join(tmpdir(), "cairn-other-ca-"));
    await initCa(other, { now: new Date(Date.now() - 3_600_000), name: "other" });
    const otherRoot = { name: "other", json: JSON.parse(readFileSync(join(other, "ca", "trusted_root.json"), "utf8")) as object };
    rmSync(other, { recursive: true, force: true });
    const untrusted = await verify(s, artifact, {}, { roots: [otherRoot] });
    expect(untrusted).toMatchObject({ result: "FAILED", noValidAttestation: true });
    expect(untrusted.considered[0]!.reasons[0]).toStartWith("signature: ");
  });

  test("SLSA provenance passes only beside its run's own attestation; another predicate type is reported, not accepted", async () => {
    s = await testStore();
    const { artifact, pushed } = await pushArtifact(s, "w", "one", undefined, true);
    const other = await store(s, pushed.runId!, "https://example.com/other/v1", artifact, {});
    const v = await verify(s, artifact, { workflow: "w" }, undefined, true);
    const by = Object.fromEntries(v.considered.map((c) => [c.digest, c]));
    expect(by[pushed.provenance!.digest]).toMatchObject({ predicateType: SLSA_PROVENANCE_V1, accepted: true, workflow: "w", runId: pushed.runId });
    expect(by[other]!.reasons).toEqual(["predicate type https://example.com/other/v1 is not accepted"]);
    expect(v.acceptedDigests.sort()).toEqual([pushed.digest, pushed.provenance!.digest].sort());
    // The cairn attestation fails the policy (it records no git ref): its provenance cannot pass on its own claim.
    const ref = await verify(s, artifact, { workflow: "w", sourceRef: "refs/heads/main" }, undefined, true);
    expect(ref.result).toBe("FAILED");
    const prov = ref.considered.find((c) => c.digest === pushed.provenance!.digest)!;
    expect(prov.accepted).toBe(false);
    // A provenance that names no attestation (as one a CI job could sign for itself) is not accepted either.
    const orphan = await store(s, pushed.runId!, SLSA_PROVENANCE_V1, artifact, { buildDefinition: { buildType: "x", externalParameters: { workflow: { ref: "refs/heads/main" } } }, runDetails: { builder: { id: "cairn" } } });
    const o = (await verify(s, artifact, { workflow: "w", sourceRef: "refs/heads/main" }, undefined, true)).considered.find((c) => c.digest === orphan)!;
    expect(o).toMatchObject({ accepted: false });
    expect(o.reasons).toContain("the provenance names no cairn attestation (runDetails.byproducts cairn-attestation)");
  });

  test("a stored attestation whose signed statement does not name the artifact is not valid for it", async () => {
    s = await testStore();
    const { artifact, pushed } = await pushArtifact(s, "w", "one");
    const liar = await store(s, pushed.runId!, SLSA_PROVENANCE_V1, `sha256:${"1".repeat(64)}`, {}, artifact);
    const v = await verify(s, artifact);
    const c = v.considered.find((x) => x.digest === liar)!;
    expect(c.reasons).toEqual([`the signed statement does not name ${artifact}`]);
  });

  test("a statement signed by another key than the trusted ones is rejected even if the graph says it is the run's", async () => {
    s = await testStore();
    const { artifact, pushed } = await pushArtifact(s, "w", "one");
    const forged = await store(s, pushed.runId!, SLSA_PROVENANCE_V1, artifact, {}, undefined, generateKeyPair("ed25519").privateKey);
    const v = await verify(s, artifact);
    expect(v.considered.find((x) => x.digest === forged)!.reasons[0]).toStartWith("signature: ");
    expect(v.acceptedDigests).toEqual([pushed.digest]);
  });
});

/** Stores a signed statement as an attestation of `runId` (as the SLSA push will): CAS, row, and graph node. */
async function store(s: TestStore, runId: string, predicateType: string, subject: string, predicate: Record<string, unknown>, indexAs = subject, key = s.key.privateKey): Promise<string> {
  const st: Statement = { _type: "https://in-toto.io/Statement/v1", subject: [{ name: "binary", digest: { sha256: subject.slice(7) } }], predicateType, predicate };
  const bundle = await signStatement(serializeStatement(st), key);
  const ref = await s.app.blobs.putBytes(bundle);
  const run = (await s.app.repo.getRun(runId))!;
  const now = s.app.clock.now().toISOString();
  await s.app.repo.insertAttestation({ digest: ref.digest, orgId: run.orgId, runId, workflowId: run.workflowId, predicateType, size: ref.size, createdAt: now });
  await s.app.referrers.index(run.orgId, { attestation: { digest: ref.digest, kind: "ATTESTATION", downloadable: true, metadata: { predicateType, runId } }, references: [{ digest: indexAs, kind: "ARTIFACT", downloadable: true, metadata: {} }] }, now);
  return ref.digest;
}
