// The verify-artifact service: `cairn verify`, `POST /api/v1/verify` and admission call these.
export { verifyArtifactDigest, policyDigest, verifiedLevels } from "./digest.ts";
export { resolveImage, verifyImage, type ResolvedImage, type VerifyImageInput } from "./image.ts";
export { DEFAULT_VERIFIER_ID, issueVsa, policyUri, verifyVsa, type IssueVsaInput, type VerifyVsaInput, type VsaTrust } from "./vsa.ts";
export { ACCEPTED_PREDICATES, SLSA_PROVENANCE_V1 } from "./statement.ts";
export type { ArtifactTrust, ArtifactVerdict, ConsideredAttestation, ExtraBundle, VerifyDigestInput } from "./types.ts";
