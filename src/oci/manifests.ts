/** Manifests and tags: exact bytes, digest-checked; PUT reports whether the registry processed `subject`. */
import { CairnError } from "../errors.ts";
import { scopeFor, type RegistryHttp } from "./http.ts";
import { MEDIA, type ManifestResult, type PushManifestResult } from "./types.ts";

export const MANIFEST_ACCEPT = [MEDIA.ociManifest, MEDIA.ociIndex, MEDIA.dockerManifest, MEDIA.dockerList].join(", ");

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
}

const isDigest = (ref: string) => ref.startsWith("sha256:");

function mediaTypeOf(res: Response, bytes?: Uint8Array): string {
  const header = res.headers.get("content-type")?.split(";")[0]?.trim();
  if (header && header !== "application/json" && header !== "application/octet-stream") return header;
  if (bytes) {
    try {
      const mt = (JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: unknown }).mediaType;
      if (typeof mt === "string") return mt;
    } catch {
      // fall through to the header
    }
  }
  return header ?? MEDIA.ociManifest;
}

function integrity(registry: string, repository: string, reference: string, want: string, got: string): CairnError {
  return new CairnError("INTEGRITY", `registry ${registry}, repository ${repository}: manifest ${reference} hashes to ${got}, not ${want}`, {
    hint: "the registry (or something between) served altered bytes; do not trust this manifest",
    details: { expected: want, actual: got },
  });
}

export async function headManifest(http: RegistryHttp, repository: string, reference: string): Promise<ManifestResult | undefined> {
  const res = await http.send({
    method: "HEAD", url: `/v2/${repository}/manifests/${reference}`, repository, what: `manifest ${reference}`,
    headers: { accept: MANIFEST_ACCEPT }, ok: [200, 404],
  });
  await res.body?.cancel();
  if (res.status === 404) return undefined;
  const digest = res.headers.get("docker-content-digest") ?? (isDigest(reference) ? reference : undefined);
  if (!digest) {
    // Some registries omit the digest on HEAD: fall back to GET and hash the bytes ourselves.
    const got = await getManifest(http, repository, reference);
    return { digest: got.digest, mediaType: got.mediaType, size: got.size };
  }
  if (isDigest(reference) && digest !== reference) throw integrity(http.opts.registry, repository, reference, reference, digest);
  return { digest, mediaType: mediaTypeOf(res), size: Number(res.headers.get("content-length") ?? "0") };
}

export async function getManifest(http: RegistryHttp, repository: string, reference: string): Promise<ManifestResult> {
  const got = await fetchManifest(http, repository, reference, false);
  if (!got) throw new Error("unreachable: 404 is an error when not optional");
  return got.manifest;
}

/** GET with the ETag (for If-Match updates); `optional`: a 404 gives undefined instead of NOT_FOUND. */
export async function fetchManifest(
  http: RegistryHttp, repository: string, reference: string, optional: boolean,
): Promise<{ manifest: ManifestResult; etag?: string } | undefined> {
  const res = await http.send({
    method: "GET", url: `/v2/${repository}/manifests/${reference}`, repository, what: `manifest ${reference}`,
    headers: { accept: MANIFEST_ACCEPT }, ok: optional ? [200, 404] : [200],
  });
  if (res.status === 404) {
    await res.body?.cancel();
    return undefined;
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const digest = sha256Digest(bytes);
  const claimed = isDigest(reference) ? reference : res.headers.get("docker-content-digest");
  if (claimed && claimed !== digest) throw integrity(http.opts.registry, repository, reference, claimed, digest);
  const manifest = { digest, mediaType: mediaTypeOf(res, bytes), size: bytes.length, bytes };
  return { manifest, etag: res.headers.get("etag") ?? undefined };
}

export async function putManifest(
  http: RegistryHttp, repository: string, reference: string, bytes: Uint8Array, mediaType: string, ifMatch?: string,
): Promise<PushManifestResult> {
  const headers: Record<string, string> = { "content-type": mediaType };
  if (ifMatch) headers["if-match"] = ifMatch;
  const res = await http.send({
    method: "PUT", url: `/v2/${repository}/manifests/${reference}`, repository, what: `manifest ${reference}`,
    scopes: [scopeFor(repository, "pull,push")], headers, body: bytes, ok: ifMatch ? [201, 200, 204, 412] : [201, 200, 204],
  });
  await res.body?.cancel();
  if (res.status === 412) {
    throw new CairnError("STATE_CONFLICT", `registry ${http.opts.registry}, repository ${repository}: manifest ${reference} changed while it was updated`, {
      hint: "another client updated it at the same time; retry",
    });
  }
  const digest = sha256Digest(bytes);
  const echoed = res.headers.get("docker-content-digest");
  if (echoed && echoed !== digest) throw integrity(http.opts.registry, repository, reference, digest, echoed);
  return { digest, subjectProcessed: res.headers.get("oci-subject") !== null };
}

/** All tags, following `Link: <…?n=&last=>; rel="next"` pagination. */
export async function listTags(http: RegistryHttp, repository: string): Promise<string[]> {
  const tags: string[] = [];
  let url: string | undefined = `/v2/${repository}/tags/list`;
  while (url) {
    const res: Response = await http.send({ method: "GET", url, repository, what: "tags", ok: [200, 404] });
    if (res.status === 404) {
      await res.body?.cancel();
      return tags; // an unknown repository has no tags
    }
    const body = (await res.json()) as { tags?: string[] | null };
    tags.push(...(body.tags ?? []));
    const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get("link") ?? "")?.[1];
    url = next ? http.resolve(next) : undefined;
  }
  return tags;
}
