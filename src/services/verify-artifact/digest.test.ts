import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair } from "../../signing/keys.ts";
import { pushGated, testStore, type TestStore } from "../control/runs.testutil.ts";
import { updateContract } from "../control/contracts.ts";
import { expectCode } from "../../test-helpers.ts";
import { policyDigest, verifyArtifactDigest } from "./digest.ts";
import { FIXTURES, pushArtifact, verify } from "./verify.testutil.ts";

let s: TestStore;
afterEach(() => s?.cleanup());

const DAY = 86_400_000;

describe("verifyArtifactDigest", () => {
  test("workflow A's artifact passes --workflow A and fails --workflow B (a policy failure, not a missing attestation)", async () => {
    s = await testStore();
    const { artifact, pushed } = await pushArtifact(s, "a", "one", undefined, true);
    const ok = await verify(s, artifact, { workflow: "a", project: "skynet" });
    // The attestation and its key-signed SLSA provenance: Build L1 (docs/slsa.md).
    expect(ok).toMatchObject({ result: "PASSED", noValidAttestation: false, verifiedLevels: ["SLSA_BUILD_LEVEL_1"] });
    expect(ok.acceptedDigests.sort()).toEqual([pushed.digest, pushed.provenance!.digest].sort());
    expect(ok.considered).toContainEqual(
      expect.objectContaining({ digest: pushed.digest, predicateType: "https://cairn.dev/attestation/v0.1", workflow: "a", project: "skynet", accepted: true, reasons: [], tlog: false }),
    );
    expect(ok.considered).toContainEqual(
      expect.objectContaining({ digest: pushed.provenance!.digest, predicateType: "https://slsa.dev/provenance/v1", workflow: "a", project: "skynet", accepted: true, reasons: [], role: "subject" }),
    );
    const bad = await verify(s, artifact, { workflow: "b" });
    expect(bad).toMatchObject({ result: "FAILED", noValidAttestation: false, acceptedDigests: [], verifiedLevels: ["FAILED"] });
    expect(bad.considered[0]!.reasons).toEqual(["workflow is a, not b"]);
    expect(bad.policyDigest).toBe(policyDigest({ workflow: "b" }));
    expect(bad.policyDigest).not.toBe(ok.policyDigest);
  });

  test("Build levels are claims about provenance: a pass without SLSA provenance is UNEVALUATED", async () => {
    s = await testStore();
    const { artifact } = await pushArtifact(s, "a", "bare");
    expect(await verify(s, artifact, { workflow: "a" })).toMatchObject({ result: "PASSED", verifiedLevels: ["SLSA_BUILD_LEVEL_UNEVALUATED"] });
  });

  test("--require-provenance: a pass needs an accepted SLSA provenance beside the attestation", async () => {
    s = await testStore();
    const bare = await pushArtifact(s, "a", "bare");
    const v = await verify(s, bare.artifact, { requireProvenance: true });
    expect(v).toMatchObject({ result: "FAILED", noValidAttestation: false });
    expect(v.considered[0]!.reasons).toEqual(["no SLSA provenance of the artifact is accepted (--require-provenance)"]);
    const withProv = await pushArtifact(s, "a", "built", undefined, true);
    expect(await verify(s, withProv.artifact, { requireProvenance: true })).toMatchObject({ result: "PASSED", verifiedLevels: ["SLSA_BUILD_LEVEL_1"] });
  });

  test("an artifact nobody attested: no valid attestation", async () => {
    s = await testStore();
    await pushArtifact(s, "a", "one");
    const v = await verify(s, `sha256:${"0".repeat(64)}`);
    expect(v).toMatchObject({ result: "FAILED", noValidAttestation: true, considered: [] });
  });

  test("a blocked run is rejected: run blocked by policy gate", async () => {
    s = await testStore();
    await pushGated(s, "gated", "skynet", "banned");
    const sbom = `sha256:${new Bun.CryptoHasher("sha256").update(readFileSync(join(FIXTURES, "sbom", "banned.cdx.json"))).digest("hex")}`;
    const v = await verify(s, sbom);
    expect(v.result).toBe("FAILED");
    expect(v.noValidAttestation).toBe(false);
    expect(v.considered[0]!.reasons).toEqual(["run blocked by policy gate"]);
  });

  test("a run whose contract revision is behind the latest fails, unless --allow-behind", async () => {
    s = await testStore();
    const { artifact } = await pushArtifact(s, "w", "one");
    s.file("c.yaml", "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: skynet-w\nspec:\n  materials:\n    - {type: STRING, name: x, optional: true}\n");
    await updateContract(s.app, { name: "skynet-w", file: "c.yaml" });
    const v = await verify(s, artifact);
    expect(v.result).toBe("FAILED");
    expect(v.considered[0]!.reasons).toEqual(["contract revision 1 is behind the latest 2 (--allow-behind accepts it)"]);
    expect((await verify(s, artifact, { allowBehind: true })).result).toBe("PASSED");
  });

  test("--max-age: the run must have finished within it", async () => {
    s = await testStore();
    const { artifact } = await pushArtifact(s, "w", "one");
    expect((await verify(s, artifact, { maxAgeMs: 30 * DAY })).result).toBe("PASSED");
    s.advance(31 * DAY);
    const v = await verify(s, artifact, { maxAgeMs: 30 * DAY });
    expect(v.result).toBe("FAILED");
    expect(v.considered[0]!.reasons[0]).toMatch(/^run finished .* older than --max-age$/);
  });

  test("--source-ref: compared with the signed GITHUB_REF", async () => {
    s = await testStore({
      CI: "true", GITHUB_REPOSITORY: "acme/app", GITHUB_RUN_ID: "7", GITHUB_ACTOR: "me", GITHUB_REF: "refs/heads/main",
      GITHUB_REPOSITORY_OWNER: "acme", GITHUB_SHA: "a".repeat(40), RUNNER_NAME: "r", RUNNER_OS: "Linux",
    });
    const { artifact } = await pushArtifact(s, "w", "one");
    expect((await verify(s, artifact, { sourceRef: "refs/heads/main" })).result).toBe("PASSED");
    const v = await verify(s, artifact, { sourceRef: "refs/heads/release" });
    expect(v.result).toBe("FAILED");
    expect(v.considered[0]!.reasons).toEqual(["source ref is refs/heads/main, not refs/heads/release"]);
  });

  test("--source-ref on an attestation that records no ref", async () => {
    s = await testStore();
    const { artifact } = await pushArtifact(s, "w", "one");
    const v = await verify(s, artifact, { sourceRef: "refs/heads/main" });
    expect(v.considered[0]!.reasons[0]).toStartWith("the attestation records no git ref");
  });

  test("--require-tlog: a key-signed bundle without a log entry is rejected", async () => {
    s = await testStore();
    const { artifact } = await pushArtifact(s, "w", "one");
    const v = await verify(s, artifact, { requireTlog: true });
    expect(v).toMatchObject({ result: "FAILED", noValidAttestation: false });
    expect(v.considered[0]!.reasons).toEqual(["no verified transparency-log entry (--require-tlog)"]);
  });

  test("an untrusted key: the signature does not verify, so there is no valid attestation", async () => {
    s = await testStore();
    const { artifact } = await pushArtifact(s, "w", "one");
    const v = await verify(s, artifact, {}, { keys: [generateKeyPair("ed25519").publicKey] });
    expect(v).toMatchObject({ result: "FAILED", noValidAttestation: true });
    expect(v.considered[0]!.reasons[0]).toStartWith("signature: ");
  });

  test("cheap rejections still decide exit 1 vs 4 by the signature: a wrong workflow with a forged signature is no valid attestation", async () => {
    s = await testStore();
    const { artifact } = await pushArtifact(s, "a", "one");
    const v = await verify(s, artifact, { workflow: "b" }, { keys: [generateKeyPair("ed25519").publicKey] });
    expect(v.noValidAttestation).toBe(true);
    expect(v.considered[0]!.reasons[0]).toBe("workflow is a, not b");
    expect(v.considered[0]!.reasons[1]).toStartWith("signature: ");
  });

  test("--policy on the attested materials: passes on the CAS content, rejects a tampered CAS material naming it", async () => {
    s = await testStore();
    const { artifact, junit } = await pushArtifact(s, "w", "one", "pass");
    const policy = { policies: ["builtin:junit-no-failures"] };
    expect((await verify(s, artifact, policy)).result).toBe("PASSED");
    const hex = junit!.slice(7);
    const blob = join(s.app.config.home, "cas", "sha256", hex.slice(0, 2), hex);
    chmodSync(blob, 0o644);
    writeFileSync(blob, readFileSync(join(FIXTURES, "junit", "fail.xml")));
    const v = await verify(s, artifact, policy);
    expect(v).toMatchObject({ result: "FAILED", noValidAttestation: false });
    expect(v.considered[0]!.reasons).toEqual([`policy junit-no-failures: material tests in the CAS does not match its digest ${junit} (tampered)`]);
  });

  test("--policy that applies to none of the attested materials fails closed", async () => {
    s = await testStore();
    const { artifact } = await pushArtifact(s, "w", "one");
    const v = await verify(s, artifact, { policies: ["builtin:junit-no-failures"] });
    expect(v.considered[0]!.reasons).toEqual(["policy junit-no-failures applies to none of the attested materials"]);
  });

  test("a tampered bundle in the CAS is rejected", async () => {
    s = await testStore();
    const { artifact, pushed } = await pushArtifact(s, "w", "one");
    const hex = pushed.digest.slice(7);
    const blob = join(s.app.config.home, "cas", "sha256", hex.slice(0, 2), hex);
    chmodSync(blob, 0o644);
    writeFileSync(blob, "{}");
    const v = await verify(s, artifact);
    expect(v).toMatchObject({ result: "FAILED", noValidAttestation: true });
    expect(v.considered[0]!.reasons).toEqual(["bundle in the CAS does not match its digest (tampered)"]);
  });

  test("a token's scope: attestations of other workflows are not considered", async () => {
    s = await testStore();
    const { artifact, pushed } = await pushArtifact(s, "a", "one");
    const orgId = (await s.app.repo.findOrg("default"))!.id;
    const mine = { workflowId: (await s.app.repo.findWorkflow(orgId, "skynet", "a"))!.id };
    const input = { digest: artifact, resourceUri: "x", policy: {}, trust: { keys: [s.key.publicKey], roots: [] } };
    expect((await verifyArtifactDigest(s.app, { ...input, scope: mine })).acceptedDigests).toEqual([pushed.digest]);
    const other = await verifyArtifactDigest(s.app, { ...input, scope: { workflowId: "someone-else" } });
    expect(other).toMatchObject({ result: "FAILED", noValidAttestation: true, considered: [] });
  });

  test("a server refuses --policy files (only builtin:NAME and stored names)", async () => {
    s = await testStore();
    const { artifact } = await pushArtifact(s, "a", "one");
    const input = { digest: artifact, resourceUri: "x", policy: { policies: ["/etc/passwd.yaml"] }, trust: { keys: [], roots: [] }, policySources: "served" as const };
    await expectCode(() => verifyArtifactDigest(s.app, input), "USAGE");
  });
});
