// The verify-artifact service: `cairn verify`, `POST /api/v1/verify` and admission call these.
export { verifyArtifactDigest, policyDigest, verifiedLevels } from "./digest.ts";
export { verifyImage, type VerifyImageInput } from "./image.ts";
export { ACCEPTED_PREDICATES, SLSA_PROVENANCE_V1 } from "./statement.ts";
export type { ArtifactTrust, ArtifactVerdict, ConsideredAttestation, ExtraBundle, VerifyDigestInput } from "./types.ts";
