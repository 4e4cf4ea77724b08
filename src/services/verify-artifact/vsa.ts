// VSAs around a verdict: `--vsa FILE` issues one (signed with a key or keyless, as `att push` signs), `--vsa-from FILE`
// takes one instead of searching the store — trusted only when a verifier the caller names signed it.
import { canonicalJson } from "../../crafter/canonical-json.ts";
import { serializeStatement } from "../../crafter/statement.ts";
import { signStatement, type SigningMethod } from "../../signing/sign.ts";
import { buildVsa, checkVsa, SLSA_VSA_V1 } from "../../slsa/vsa.ts";
import type { VerificationPolicySpec } from "../../slsa/verification-policy.ts";
import type { IdentityPolicy } from "../../trust/policy.ts";
import { policyDigest } from "./digest.ts";
import { checkSignature, sha256, signerReasons, type SignatureTrust } from "./signature.ts";
import type { ArtifactVerdict, ConsideredAttestation } from "./types.ts";

/** verifier.id of the VSAs cairn issues, unless the caller names its own. */
export const DEFAULT_VERIFIER_ID = "https://cairn.dev/verify";

export interface IssueVsaInput {
  verdict: ArtifactVerdict;
  policy: VerificationPolicySpec;
  /** The subject's name (the file or image as given). */
  subjectName: string;
  method: SigningMethod;
  verifierId?: string;
  verifierVersion: string;
  now: Date;
}

/** The policy as a data: URI, so a VSA says exactly which policy it applied (its digest is the policy digest). */
export function policyUri(policy: VerificationPolicySpec): string {
  return `data:application/json;base64,${Buffer.from(canonicalJson(policy)).toString("base64")}`;
}

/** Builds the VSA of a verdict and signs its canonical bytes: the Sigstore bundle JSON. */
export function issueVsa(v: IssueVsaInput): Promise<Uint8Array> {
  const statement = buildVsa({
    verifierId: v.verifierId ?? DEFAULT_VERIFIER_ID,
    verifierVersion: v.verifierVersion,
    timeVerified: v.now.toISOString(),
    resourceUri: v.verdict.resourceUri,
    subject: { name: v.subjectName, digest: v.verdict.subject },
    policyUri: policyUri(v.policy),
    policyDigest: v.verdict.policyDigest,
    inputAttestations: v.verdict.acceptedDigests,
    result: v.verdict.result,
    verifiedLevels: v.verdict.verifiedLevels,
  });
  return signStatement(serializeStatement(statement), v.method);
}

export interface VsaTrust extends SignatureTrust {
  /** The verifier's certificate identity (keyless VSAs); keys stand for themselves. */
  identity?: IdentityPolicy;
  /** When given, the VSA's verifier.id must be this. */
  verifierId?: string;
}

export interface VerifyVsaInput {
  bytes: Uint8Array;
  digest: string;
  resourceUri: string;
  /** The caller's policy: the VSA must have been issued under the same policy (the same policy.digest). */
  policy: VerificationPolicySpec;
  trust: VsaTrust;
  /** `--vsa-max-age`: the VSA's timeVerified must be at most this old at `now`. */
  maxAgeMs?: number;
  now: Date;
}

interface VsaPredicate {
  verifier?: { id?: string };
  resourceUri?: string;
  policy?: { digest?: { sha256?: string } };
  verificationResult?: string;
  verifiedLevels?: string[];
  timeVerified?: string;
  inputAttestations?: { digest?: { sha256?: string } }[];
}

/** A verdict from a VSA: PASSED only if a trusted verifier signed a valid, PASSED VSA for this artifact and resource. */
export function verifyVsa(input: VerifyVsaInput): ArtifactVerdict {
  const digest = sha256(input.bytes);
  const c: ConsideredAttestation = { digest, predicateType: SLSA_VSA_V1, accepted: false, reasons: [], tlog: false };
  const sig = checkSignature(input.bytes, digest, input.digest, input.trust);
  const verdict = (levels: string[] = ["FAILED"]): ArtifactVerdict => ({
    subject: input.digest, resourceUri: input.resourceUri, result: c.accepted ? "PASSED" : "FAILED", noValidAttestation: !sig.ok, considered: [c],
    policyDigest: policyDigest(input.policy), acceptedDigests: c.accepted ? [digest] : [], verifiedLevels: c.accepted ? levels : ["FAILED"],
  });
  if (sig.signer) c.signer = sig.signer;
  if (!sig.ok) {
    c.reasons.push(sig.signed ? `the VSA: ${sig.reason}` : `the VSA is not from a trusted verifier: ${sig.reason}`);
    return verdict();
  }
  c.tlog = sig.verified.tlogEntries.length > 0;
  const identity = signerReasons(sig.verified, input.trust.identity, false);
  if (sig.verified.signer.kind === "certificate" && !input.trust.identity) identity.push("a certificate-signed VSA needs --vsa-identity (or its regexp) to name the trusted verifier");
  if (identity.length > 0) {
    // Signed, but not by the verifier the caller trusts: as untrusted as a bad signature (exit 1).
    c.reasons.push(...identity.map((r) => `the VSA is not from a trusted verifier: ${r}`));
    return { ...verdict(), noValidAttestation: true };
  }
  c.reasons.push(...checkVsa(sig.verified.statement));
  const p = ((sig.verified.statement as { predicate?: unknown }).predicate ?? {}) as VsaPredicate;
  if (sig.facts.role !== "subject") c.reasons.push(`the VSA names ${input.digest} but not as its subject`);
  if (input.trust.verifierId !== undefined && p.verifier?.id !== input.trust.verifierId) c.reasons.push(`verifier.id is ${p.verifier?.id ?? "(none)"}, not ${input.trust.verifierId}`);
  if (p.resourceUri !== input.resourceUri) c.reasons.push(`resourceUri is ${p.resourceUri ?? "(none)"}, not ${input.resourceUri}`);
  if (p.verificationResult !== "PASSED") c.reasons.push(`verificationResult is ${p.verificationResult ?? "(none)"}`);
  // Always the same policy: {} is not "any policy" (it still means outputs only, on the latest contract revision),
  // so a VSA issued under a laxer one must not pass for it.
  if (`sha256:${p.policy?.digest?.sha256}` !== policyDigest(input.policy)) c.reasons.push("the VSA was issued under another policy than the one given (pass the same policy flags as the verifier did)");
  if (input.maxAgeMs !== undefined) {
    const t = Date.parse(String(p.timeVerified ?? ""));
    if (Number.isNaN(t) || input.now.getTime() - t > input.maxAgeMs) c.reasons.push(`timeVerified ${String(p.timeVerified ?? "(none)")} is older than --vsa-max-age`);
  }
  c.accepted = c.reasons.length === 0;
  return verdict(Array.isArray(p.verifiedLevels) ? p.verifiedLevels : undefined);
}
