import { canonicalJson } from "../../crafter/canonical-json.ts";
import { EMPTY_DIGEST, MEDIA, type OciClient } from "../../oci/types.ts";

const EMPTY = new TextEncoder().encode("{}");

/**
 * Proves the registry answers and these credentials may push to the repository: GET /v2/, the empty `{}` blob
 * (skipped by the client when the repository has it), then a manifest PUT by digest, which needs push rights even
 * when the blob was there already. The manifest is untagged and the same every time: re-adding writes nothing new,
 * and registry GC may drop it.
 */
export async function checkWriteAccess(client: OciClient, repository: string): Promise<void> {
  await client.ping();
  await client.pushBlob(repository, { digest: EMPTY_DIGEST, size: EMPTY.length, chunks: once(EMPTY) });
  const empty = { mediaType: MEDIA.empty, digest: EMPTY_DIGEST, size: EMPTY.length };
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    artifactType: MEDIA.cairnEvidence,
    config: empty,
    layers: [empty],
    annotations: { "org.opencontainers.image.authors": "cairn", "org.opencontainers.image.description": "cairn cas-backend write check" },
  };
  const bytes = new TextEncoder().encode(canonicalJson(manifest));
  const digest = `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
  await client.putManifest(repository, digest, bytes, MEDIA.ociManifest);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
