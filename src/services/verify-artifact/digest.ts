// `cairn verify`: is this artifact (a digest) backed by an attestation the policy accepts? The service behind the
// command, `POST /api/v1/verify` and admission. See docs/verify.md for the rules; judge.ts for one attestation.
import { createHash } from "node:crypto";
import { CairnError } from "../../errors.ts";
import { canonicalJson } from "../../crafter/canonical-json.ts";
import type { VerificationPolicySpec } from "../../slsa/verification-policy.ts";
import type { IdentityPolicy } from "../../trust/policy.ts";
import type { ServiceDeps } from "../deps.ts";
import { currentOrgId } from "../control/runs.ts";
import { verificationKeys } from "../control/org-keys.ts";
import { attestationsReferencing } from "./candidates.ts";
import { checkDeferredSignature, judge, type Candidate, type JudgeContext, type Judged } from "./judge.ts";
import { loadPolicies } from "./policies.ts";
import { ContractFacts } from "./run-checks.ts";
import { keyId } from "../../signing/keys.ts";
import { sha256 } from "./signature.ts";
import { SLSA_PROVENANCE_V1 } from "../../slsa/provenance.ts";
import type { ArtifactVerdict, ExtraBundle, VerifyDigestInput } from "./types.ts";

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Verifies the artifact `input.digest` against the policy, from the store's attestations (plus `extra` bundles). */
export async function verifyArtifactDigest(deps: ServiceDeps, input: VerifyDigestInput, extra: ExtraBundle[] = []): Promise<ArtifactVerdict> {
  if (!DIGEST.test(input.digest)) throw new CairnError("USAGE", `digest ${JSON.stringify(input.digest)} is not sha256:<64 lowercase hex digits>`);
  const orgId = (await currentOrgId(deps)) ?? "";
  const ctx: JudgeContext = {
    deps,
    orgId,
    artifact: input.digest,
    policy: input.policy,
    ...withIdentity(input.policy),
    trust: { keys: [...input.trust.keys, ...(await verificationKeys(deps)).map((k) => k.key)], roots: input.trust.roots },
    policies: await loadPolicies(deps, input.policy.policies ?? [], input.policy.policyInputs ?? {}, input.policySources ?? "local"),
    ...(input.scope && { scope: input.scope }),
    contracts: new ContractFacts(deps),
    explicitKeys: new Set(input.trust.keys.map((k) => keyId(k))),
  };
  const referencing = await attestationsReferencing(deps, orgId, input.digest, input.scope);
  // Each candidate with the predicate type it was indexed with (registry bundles: unknown until read).
  const candidates: (Candidate & { indexedType?: string })[] = referencing.map((a) => ({ digest: a.digest, source: "store", indexedType: a.predicateType }));
  if (extra.length > 0) {
    const seen = new Set(candidates.map((c) => c.digest));
    for (const b of extra) {
      const digest = sha256(b.bytes);
      if (!seen.has(digest)) candidates.push({ digest, source: "registry", bytes: b.bytes });
      seen.add(digest);
    }
  }
  // Newest first: the latest run is the likeliest to pass (its contract revision is not behind). Once an attestation
  // of a predicate type is accepted, further stored ones of that type cannot change the verdict or its level: they
  // are listed as not examined, unless `exhaustive` (--all).
  const byDigest = new Map<string, Judged>(); // in the order judged
  const judgeOnce = async (c: Candidate): Promise<Judged> => {
    const done = byDigest.get(c.digest);
    if (done) return done;
    const j = await judge(ctx, c);
    byDigest.set(c.digest, j);
    return j;
  };
  const notExamined: string[] = [];
  const decided = new Set<string>();
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i]!;
    if (byDigest.has(c.digest)) continue;
    // The indexed type decides only what is skipped; each judged one is checked against its row and statement.
    if (!input.exhaustive && c.indexedType !== undefined && decided.has(c.indexedType)) {
      notExamined.push(c.digest);
      continue;
    }
    const j = await judgeOnce(c);
    if (j.considered.accepted && j.companion !== undefined) {
      // SLSA provenance passes only beside its run's own attestation, judged under the same policy.
      const companion = await judgeOnce(candidates.find((x) => x.digest === j.companion) ?? { digest: j.companion, source: "store" });
      if (!companion.considered.accepted) {
        j.considered.accepted = false;
        j.considered.reasons.push(`its attestation ${j.companion} is not accepted${companion.considered.reasons[0] ? ` (${companion.considered.reasons[0]})` : ""}`);
      }
    }
    if (j.considered.accepted) decided.add(j.considered.predicateType);
  }
  const judged = [...byDigest.values()];
  const skipped = notExamined.filter((x) => !byDigest.has(x)); // a companion judged on demand was examined after all
  // --require-provenance: without an accepted SLSA provenance, no attestation of the artifact passes.
  if (input.policy.requireProvenance && !judged.some((j) => j.considered.accepted && j.considered.predicateType === SLSA_PROVENANCE_V1)) {
    for (const j of judged.filter((x) => x.considered.accepted)) {
      j.considered.accepted = false;
      j.considered.reasons.push("no SLSA provenance of the artifact is accepted (--require-provenance)");
    }
  }
  const accepted = judged.filter((j) => j.considered.accepted);
  // Exit 1 (no valid attestation) vs 4 (policy failed): only then are the cheaply rejected ones' signatures checked.
  if (accepted.length === 0) {
    for (const j of judged) {
      if (judged.some((x) => x.valid)) break;
      await checkDeferredSignature(ctx, j);
    }
  }
  const result = accepted.length > 0 ? "PASSED" : "FAILED";
  return {
    subject: input.digest,
    resourceUri: input.resourceUri,
    result,
    noValidAttestation: !judged.some((j) => j.valid),
    considered: judged.map((j) => j.considered),
    ...(skipped.length > 0 && { notExamined: skipped.length }),
    policyDigest: policyDigest(input.policy),
    acceptedDigests: accepted.map((j) => j.considered.digest),
    verifiedLevels: verifiedLevels(result, accepted),
  };
}

/** sha256 of the canonical JSON of the policy spec: what a VSA's policy.digest names. */
export function policyDigest(policy: VerificationPolicySpec): string {
  return `sha256:${createHash("sha256").update(canonicalJson(policy)).digest("hex")}`;
}

/**
 * docs/slsa.md: SLSA Build levels are claims about provenance, so only accepted SLSA provenance counts. A PASSED
 * verdict with accepted provenance certificate-signed under a pinned identity is SLSA_BUILD_LEVEL_2, with key-signed
 * provenance SLSA_BUILD_LEVEL_1 (the highest applies); without accepted provenance SLSA_BUILD_LEVEL_UNEVALUATED.
 */
export function verifiedLevels(result: "PASSED" | "FAILED", accepted: readonly Pick<Judged, "signedBy" | "considered">[]): string[] {
  if (result === "FAILED") return ["FAILED"];
  const provenance = accepted.filter((j) => j.considered.predicateType === SLSA_PROVENANCE_V1);
  if (provenance.some((j) => j.signedBy === "pinned-certificate")) return ["SLSA_BUILD_LEVEL_2"];
  if (provenance.some((j) => j.signedBy === "key")) return ["SLSA_BUILD_LEVEL_1"];
  return ["SLSA_BUILD_LEVEL_UNEVALUATED"];
}

function withIdentity(p: VerificationPolicySpec): { identity?: IdentityPolicy } {
  const id: IdentityPolicy = {
    ...(p.certificateIdentity !== undefined && { san: p.certificateIdentity }),
    ...(p.certificateIdentityRegexp !== undefined && { sanRegexp: p.certificateIdentityRegexp }),
    ...(p.certificateOidcIssuer !== undefined && { issuer: p.certificateOidcIssuer }),
    ...(p.certificateOidcIssuerRegexp !== undefined && { issuerRegexp: p.certificateOidcIssuerRegexp }),
  };
  return Object.keys(id).length > 0 ? { identity: id } : {};
}
