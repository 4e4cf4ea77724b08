// Test support: a small image (empty config, one layer) and a cosign-style signature pushed with cairn's own client.
import { MEDIA, type OciClient } from "../../oci/types.ts";
import { bytesSource } from "../../oci/source.ts";
import { sha256Digest } from "../../oci/manifests.ts";

export interface PushedImage {
  digest: string;
  size: number;
  mediaType: string;
}


async function blob(client: OciClient, repository: string, bytes: Uint8Array): Promise<{ digest: string; size: number }> {
  return client.pushBlob(repository, bytesSource(bytes));
}

/** Pushes an OCI image manifest (empty `{}` config, one layer with `layerText`) under `tag`. */
export async function pushTestImage(client: OciClient, repository: string, tag: string, layerText = `layer of ${repository}:${tag}`): Promise<PushedImage> {
  const config = await blob(client, repository, new TextEncoder().encode("{}"));
  const layer = await blob(client, repository, new TextEncoder().encode(layerText));
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
    }),
  );
  await client.putManifest(repository, tag, manifest, MEDIA.ociManifest);
  return { digest: sha256Digest(manifest), size: manifest.length, mediaType: MEDIA.ociManifest };
}

/** cosign's classic layout: a manifest tagged `sha256-<hex>.sig` next to the image. Returns its digest. */
export async function pushCosignSigTag(client: OciClient, repository: string, imageDigest: string): Promise<string> {
  const payload = await blob(client, repository, new TextEncoder().encode(JSON.stringify({ critical: { image: { "docker-manifest-digest": imageDigest } } })));
  const empty = await blob(client, repository, new TextEncoder().encode("{}"));
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...empty },
      layers: [{ mediaType: MEDIA.cosignSimpleSigning, ...payload, annotations: { "dev.cosignproject.cosign/signature": "MEUC" } }],
    }),
  );
  await client.putManifest(repository, `${imageDigest.replace(":", "-")}.sig`, manifest, MEDIA.ociManifest);
  return sha256Digest(manifest);
}
