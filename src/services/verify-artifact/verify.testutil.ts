// Test support for the verify-artifact service: a real store filled by real pushes, and one call to verify a digest.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initCa } from "../../ca/init.ts";
import { signingMethod } from "../../commands/attestation/signing.ts";
import type { VerificationPolicySpec } from "../../slsa/verification-policy.ts";
import type { NamedRoot } from "../../trust/policy.ts";
import { addMaterial } from "../crafting/add.ts";
import { initAttestation } from "../crafting/init.ts";
import { pushAttestation, type PushResult } from "../crafting/push.ts";
import type { TestStore } from "../control/runs.testutil.ts";
import { verifyArtifactDigest } from "./digest.ts";
import type { ArtifactTrust, ArtifactVerdict } from "./types.ts";

export const FIXTURES = join(import.meta.dir, "../../../fixtures/policies");

/** Verifies `digest` in the store with the policy; the test key is trusted unless `trust` says otherwise. */
export function verify(s: TestStore, digest: string, policy: VerificationPolicySpec = {}, trust?: Partial<ArtifactTrust>, exhaustive = false): Promise<ArtifactVerdict> {
  return verifyArtifactDigest(s.app, {
    digest,
    resourceUri: `file://${digest}`,
    policy,
    trust: { keys: trust?.keys ?? [s.key.publicKey], roots: trust?.roots ?? [] },
    ...(exhaustive && { exhaustive }),
  });
}

/** The contract of the test workflows: the binary is their output (a subject), the JUnit report an input. */
export const OUTPUT_CONTRACT = "schemaVersion: v1\nmaterials:\n  - {name: binary, type: ARTIFACT, output: true}\n  - {name: tests, type: JUNIT_XML, optional: true}\n";

/**
 * init (the workflow on OUTPUT_CONTRACT when it is new) → add the binary (content given) and optionally a JUnit report
 * → push with the test key; SLSA provenance only when asked (so each push is one attestation unless a test wants two).
 */
export async function pushArtifact(s: TestStore, workflow: string, content: string, junit?: "pass" | "fail", provenance = false): Promise<{ pushed: PushResult; artifact: string; junit?: string }> {
  await initAttestation(s.app, { workflow, project: "skynet", dryRun: false, replace: true, ...(await contractFor(s, workflow)) });
  const file = s.file(`${workflow}-${content}.bin`, content);
  const [m] = await addMaterial(s.app, { name: "binary", kind: "ARTIFACT", value: file, annotations: {}, strict: true });
  let j: string | undefined;
  if (junit) {
    s.file(`${junit}.xml`, readFileSync(join(FIXTURES, "junit", `${junit}.xml`)));
    j = (await addMaterial(s.app, { name: "tests", kind: "JUNIT_XML", value: `${junit}.xml`, annotations: {}, strict: true }))[0]!.digest;
  }
  const pushed = await pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {}, provenance: { enabled: provenance } });
  s.advance(1000);
  return { pushed, artifact: m!.digest, ...(j && { junit: j }) };
}

/** `--contract` for a workflow's first run only: later runs keep (and may be behind) the workflow's contract. */
async function contractFor(s: TestStore, workflow: string): Promise<{ contract?: string }> {
  const org = await s.app.repo.findOrg(s.app.config.organization);
  return org && await s.app.repo.findWorkflow(org.id, "skynet", workflow) ? {} : { contract: s.file("output-contract.yaml", OUTPUT_CONTRACT) };
}

/** `cairn ca init` in the store's home, then a keyless push (with its SLSA provenance) signed through the home's CA. */
export async function pushKeyless(s: TestStore, workflow: string, content: string): Promise<string> {
  await initCa(s.app.config.home, { now: new Date(Date.now() - 3_600_000) });
  await initAttestation(s.app, { workflow, project: "skynet", dryRun: false, replace: true, ...(await contractFor(s, workflow)) });
  const file = s.file(`${workflow}-${content}.bin`, content);
  const [m] = await addMaterial(s.app, { name: "binary", kind: "ARTIFACT", value: file, annotations: {}, strict: true });
  await pushAttestation(s.app, { loadSigning: (state) => signingMethod({ kind: "keyless", via: "home" }, s.app.config, state.workflow), annotations: {} });
  s.advance(1000);
  return m!.digest;
}

export function homeRoot(s: TestStore): NamedRoot {
  return { name: "home-ca", json: JSON.parse(readFileSync(join(s.app.config.home, "ca", "trusted_root.json"), "utf8")) as object };
}
