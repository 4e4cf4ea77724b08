import { pushArtifact } from "../../oci/oras.ts";
import { MEDIA, type OciClient } from "../../oci/types.ts";

/**
 * Proves the registry answers and these credentials may push to the repository: GET /v2/, then an artifact with no
 * files (the empty `{}` blob, skipped by the client when the repository has it, and a manifest PUT by digest, which
 * needs push rights even when the blob was there already). The manifest is untagged and the same every time:
 * re-adding writes nothing new, and registry GC may drop it.
 */
export async function checkWriteAccess(client: OciClient, repository: string): Promise<void> {
  await client.ping();
  await pushArtifact(client, {
    repository,
    artifactType: MEDIA.cairnEvidence,
    files: [],
    annotations: { "org.opencontainers.image.authors": "cairn", "org.opencontainers.image.description": "cairn cas-backend write check" },
  });
}

/** What `cas-backend add s3` writes and reads back: a tiny CAS blob, the same every time. */
export const S3_CHECK_BYTES = new TextEncoder().encode("cairn cas-backend write check\n");

/**
 * Proves the bucket answers and these credentials may write and read at the prefix: the check blob is uploaded (even
 * when already there) to PREFIX/sha256/<hex>, then downloaded and re-hashed. Nothing is deleted (a CAS writer need not
 * have delete rights); the blob is content-addressed and tiny.
 */
export async function checkS3Access(store: { roundTrip(bytes: Uint8Array): Promise<unknown> }): Promise<void> {
  await store.roundTrip(S3_CHECK_BYTES);
}
