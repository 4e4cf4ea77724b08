/**
 * Referrers of a digest: the native API (`GET /v2/<repo>/referrers/<digest>`), else — on 404 — the distribution-spec
 * tag-schema fallback, an image index tagged `sha256-<hex>`. Filtered by artifactType on our side too, since a
 * registry may ignore the filter (it says it applied it with `OCI-Filters-Applied`).
 */
import type { RegistryHttp } from "./http.ts";
import { fetchManifest } from "./manifests.ts";
import { MEDIA, type Descriptor } from "./types.ts";

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  [key: string]: unknown;
}

/** `sha256:abc…` → `sha256-abc…` (the referrers tag schema). */
export function fallbackTag(digest: string): string {
  return digest.replace(":", "-");
}

function parseIndex(bytes: Uint8Array): ImageIndex {
  const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<ImageIndex>;
  return {
    ...parsed,
    schemaVersion: 2,
    mediaType: parsed.mediaType ?? MEDIA.ociIndex,
    manifests: Array.isArray(parsed.manifests) ? parsed.manifests : [],
  };
}

/** The fallback index for a subject and its ETag (for If-Match), or undefined when the tag does not exist. */
export async function readFallbackIndex(
  http: RegistryHttp, repository: string, subjectDigest: string,
): Promise<{ index: ImageIndex; etag?: string } | undefined> {
  const got = await fetchManifest(http, repository, fallbackTag(subjectDigest), true);
  if (!got) return undefined;
  return { index: parseIndex(got.manifest.bytes ?? new Uint8Array()), etag: got.etag };
}

function filter(list: Descriptor[], artifactType?: string): Descriptor[] {
  return artifactType ? list.filter((d) => d.artifactType === artifactType) : list;
}

export async function referrers(http: RegistryHttp, repository: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
  const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : "";
  const res = await http.send({
    method: "GET", url: `/v2/${repository}/referrers/${digest}${query}`, repository, what: `referrers of ${digest}`,
    headers: { accept: MEDIA.ociIndex }, ok: [200, 404],
  });
  if (res.status === 200) {
    const index = parseIndex(new Uint8Array(await res.arrayBuffer()));
    const applied = (res.headers.get("oci-filters-applied") ?? "").split(",").map((s) => s.trim());
    return applied.includes("artifactType") ? index.manifests : filter(index.manifests, artifactType);
  }
  await res.body?.cancel();
  const fallback = await readFallbackIndex(http, repository, digest);
  return filter(fallback?.index.manifests ?? [], artifactType);
}
