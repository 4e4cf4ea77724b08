import { afterEach, describe, expect, test } from "bun:test";
import { generateKeyPair } from "../../signing/keys.ts";
import { LOCAL_ISSUER, signingMethod } from "../../commands/attestation/signing.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import { issueVsa, verifyVsa } from "./vsa.ts";
import { homeRoot, pushArtifact, pushKeyless, verify } from "./verify.testutil.ts";

let s: TestStore;
afterEach(() => s?.cleanup());

const verifierKey = generateKeyPair("ecdsa-p256");

async function issued(policy = { workflow: "w" }) {
  const { artifact, pushed } = await pushArtifact(s, "w", "one", undefined, true);
  const verdict = await verify(s, artifact, policy);
  const bytes = await issueVsa({ verdict, policy, subjectName: "one.bin", method: { key: verifierKey.privateKey }, verifierVersion: "test", now: s.app.clock.now() });
  return { artifact, pushed, verdict, bytes };
}

describe("VSA round trip", () => {
  test("issued for a PASSED verdict, then accepted with --vsa-from under the verifier's key", async () => {
    s = await testStore();
    const { artifact, pushed, bytes } = await issued();
    const v = verifyVsa({ now: s.app.clock.now(), bytes, digest: artifact, resourceUri: `file://${artifact}`, policy: { workflow: "w" }, trust: { keys: [verifierKey.publicKey], roots: [] } });
    expect(v).toMatchObject({ result: "PASSED", noValidAttestation: false, verifiedLevels: ["SLSA_BUILD_LEVEL_1"] });
    expect(v.considered[0]).toMatchObject({ predicateType: "https://slsa.dev/verification_summary/v1", accepted: true, reasons: [] });
    const statement = JSON.parse(Buffer.from(JSON.parse(new TextDecoder().decode(bytes)).dsseEnvelope.payload, "base64").toString()) as { predicate: { inputAttestations: unknown } };
    // Both inputs: the attestation and its SLSA provenance.
    const inputs = (statement.predicate.inputAttestations as { digest: { sha256: string } }[]).map((a) => `sha256:${a.digest.sha256}`);
    expect(inputs.sort()).toEqual([pushed.digest, pushed.provenance!.digest].sort());
  });

  test("a VSA from an untrusted verifier is refused as no valid attestation", async () => {
    s = await testStore();
    const { artifact, bytes } = await issued();
    const v = verifyVsa({ now: s.app.clock.now(), bytes, digest: artifact, resourceUri: `file://${artifact}`, policy: {}, trust: { keys: [generateKeyPair("ed25519").publicKey], roots: [] } });
    expect(v).toMatchObject({ result: "FAILED", noValidAttestation: true });
    expect(v.considered[0]!.reasons[0]).toStartWith("the VSA is not from a trusted verifier: signature: ");
  });

  test("another artifact, another resource, another policy: rejected with reasons", async () => {
    s = await testStore();
    const { artifact, bytes } = await issued();
    const trust = { keys: [verifierKey.publicKey], roots: [] };
    const other = `sha256:${"e".repeat(64)}`;
    const policy = { workflow: "w" }; // the policy it was issued under
    expect(verifyVsa({ now: s.app.clock.now(), bytes, digest: other, resourceUri: `file://${artifact}`, policy, trust }).considered[0]!.reasons).toEqual([`the VSA: the signed statement does not name ${other}`]);
    expect(verifyVsa({ now: s.app.clock.now(), bytes, digest: artifact, resourceUri: "elsewhere", policy, trust }).considered[0]!.reasons).toEqual([`resourceUri is file://${artifact}, not elsewhere`]);
    const otherPolicy = "the VSA was issued under another policy than the one given (pass the same policy flags as the verifier did)";
    const stricter = verifyVsa({ now: s.app.clock.now(), bytes, digest: artifact, resourceUri: `file://${artifact}`, policy: { workflow: "w", requireTlog: true }, trust });
    expect(stricter).toMatchObject({ result: "FAILED", noValidAttestation: false });
    expect(stricter.considered[0]!.reasons).toEqual([otherPolicy]);
    // {} is a policy too (outputs only, latest contract revision), not "any": a VSA of another policy does not pass it.
    expect(verifyVsa({ now: s.app.clock.now(), bytes, digest: artifact, resourceUri: `file://${artifact}`, policy: {}, trust }).considered[0]!.reasons).toEqual([otherPolicy]);
    // --vsa-max-age: an old VSA is refused.
    const later = new Date(s.app.clock.now().getTime() + 8 * 86_400_000);
    const stale = verifyVsa({ now: later, maxAgeMs: 7 * 86_400_000, bytes, digest: artifact, resourceUri: `file://${artifact}`, policy, trust });
    expect(stale.considered[0]!.reasons[0]).toMatch(/^timeVerified \S+ is older than --vsa-max-age$/);
  });

  test("a FAILED VSA does not pass", async () => {
    s = await testStore();
    const { artifact, bytes } = await issued({ workflow: "nope" });
    const v = verifyVsa({ now: s.app.clock.now(), bytes, digest: artifact, resourceUri: `file://${artifact}`, policy: { workflow: "nope" }, trust: { keys: [verifierKey.publicKey], roots: [] } });
    expect(v.result).toBe("FAILED");
    expect(v.considered[0]!.reasons).toEqual(["verificationResult is FAILED"]);
  });

  test("a keyless VSA needs the verifier's identity named, and must match it", async () => {
    s = await testStore();
    const artifact = await pushKeyless(s, "w", "one");
    const roots = [homeRoot(s)];
    const verdict = await verify(s, artifact, {}, { roots });
    const method = await signingMethod({ kind: "keyless", via: "home" }, s.app.config, { project: "verifiers", name: "gate" });
    const bytes = await issueVsa({ verdict, policy: {}, subjectName: "one.bin", method, verifierVersion: "test", now: s.app.clock.now() });
    const base = { bytes, digest: artifact, resourceUri: `file://${artifact}`, policy: {}, now: s.app.clock.now() };
    const open = verifyVsa({ ...base, trust: { keys: [], roots } });
    expect(open).toMatchObject({ noValidAttestation: true });
    expect(open.considered[0]!.reasons).toEqual(["the VSA is not from a trusted verifier: a certificate-signed VSA needs --vsa-identity (or its regexp) to name the trusted verifier"]);
    const gate = `${LOCAL_ISSUER}/orgs/default/workflows/verifiers/gate`;
    expect(verifyVsa({ ...base, trust: { keys: [], roots, identity: { san: gate, issuer: LOCAL_ISSUER } } }).result).toBe("PASSED");
    const wrong = verifyVsa({ ...base, trust: { keys: [], roots, identity: { san: "someone" } } });
    expect(wrong).toMatchObject({ result: "FAILED", noValidAttestation: true });
  });
});
