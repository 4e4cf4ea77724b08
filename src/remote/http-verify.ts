// `cairn verify --control-plane`: the server decides (POST /api/v1/verify, served by the verify-artifact service with
// the server's own keys, roots and store); the answer is checked for shape, since exit codes are decided from it.
import { CairnError } from "../errors.ts";
import type { ArtifactVerdict } from "../services/verify-artifact/types.ts";
import type { VerificationPolicySpec } from "../slsa/verification-policy.ts";
import type { RemoteClient } from "./http-client.ts";

export interface RemoteVerifyInput {
  digest: string;
  resourceUri: string;
  policy: VerificationPolicySpec;
}

export async function remoteVerify(client: RemoteClient, input: RemoteVerifyInput, warn?: (m: string) => void): Promise<ArtifactVerdict> {
  const v = await client.json<unknown>("POST", "/api/v1/verify", { body: { ...input, policy: wirePolicy(input.policy) } }, warn);
  return checkVerdict(v, input.digest);
}

/** A verdict as the server sent it: the fields the CLI decides on must be there, and about the artifact asked for. */
export function checkVerdict(v: unknown, digest: string): ArtifactVerdict {
  const o = (v ?? {}) as Partial<ArtifactVerdict>;
  const ok =
    o.subject === digest &&
    (o.result === "PASSED" || o.result === "FAILED") &&
    typeof o.noValidAttestation === "boolean" &&
    Array.isArray(o.considered) &&
    Array.isArray(o.acceptedDigests) &&
    Array.isArray(o.verifiedLevels) &&
    typeof o.policyDigest === "string" &&
    (o.result === "FAILED" || o.acceptedDigests.length > 0);
  if (!ok) throw new CairnError("IO", `the control plane answered POST /api/v1/verify with something that is not a verdict for ${digest}`, { hint: "check that the server runs a cairn with `cairn verify` support" });
  return o as ArtifactVerdict;
}

/** The policy as the route reads it (docs/api.md): the fields of a verification policy document, `maxAge` as a duration. */
export function wirePolicy(policy: VerificationPolicySpec): Record<string, unknown> {
  const { maxAgeMs, ...rest } = policy;
  return { ...rest, ...(maxAgeMs !== undefined && { maxAge: `${Math.max(1, Math.ceil(maxAgeMs / 1000))}s` }) };
}
