/**
 * Pushing an artifact the ORAS way (image-spec 1.1): empty `{}` config, `artifactType`, one layer per file with the
 * title annotation, optional `subject`. When the registry does not index the subject itself (no OCI-Subject), the
 * referrer is added to the `sha256-<hex>` fallback index, with `artifactType` and annotations pulled up.
 */
import { isCairnError } from "../errors.ts";
import type { InternalOciClient } from "./client.ts";
import { putManifest as putManifestIfMatch, sha256Digest } from "./manifests.ts";
import { fallbackTag, readFallbackIndex, type ImageIndex } from "./referrers.ts";
import { EMPTY_DIGEST, MEDIA, type Descriptor, type OciClient, type PushArtifactInput, type PushArtifactResult } from "./types.ts";
import { oneChunk } from "./source.ts";

const TITLE = "org.opencontainers.image.title";
const EMPTY_BYTES = new TextEncoder().encode("{}");
const EMPTY_DESCRIPTOR: Descriptor = { mediaType: MEDIA.empty, digest: EMPTY_DIGEST, size: 2 };

function sortedRecord(r: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!r || Object.keys(r).length === 0) return undefined;
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k] ?? ""]));
}

/** A descriptor with a fixed key order, so the same input always serializes to the same bytes (and digest). */
export function canonicalDescriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.artifactType !== undefined) out.artifactType = d.artifactType;
  const ann = sortedRecord(d.annotations);
  if (ann) out.annotations = ann;
  if (d.data !== undefined) out.data = d.data;
  return out;
}

export function artifactManifest(input: PushArtifactInput, layers: Descriptor[]): Uint8Array {
  const m: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    artifactType: input.artifactType,
    config: EMPTY_DESCRIPTOR,
    layers: (layers.length > 0 ? layers : [EMPTY_DESCRIPTOR]).map(canonicalDescriptor),
  };
  if (input.subject) m.subject = canonicalDescriptor({ mediaType: input.subject.mediaType, digest: input.subject.digest, size: input.subject.size });
  const ann = sortedRecord(input.annotations);
  if (ann) m.annotations = ann;
  return new TextEncoder().encode(JSON.stringify(m));
}


export async function pushArtifact(client: OciClient, input: PushArtifactInput): Promise<PushArtifactResult> {
  const repo = input.repository;
  await client.pushBlob(repo, { digest: EMPTY_DIGEST, size: 2, chunks: oneChunk(EMPTY_BYTES) });
  const layers: Descriptor[] = [];
  for (const f of input.files) {
    const { digest, size } = await client.pushBlob(repo, f.source);
    layers.push({ mediaType: f.mediaType, digest, size, ...(f.title !== undefined ? { annotations: { [TITLE]: f.title } } : {}) });
  }
  const bytes = artifactManifest(input, layers);
  const digest = sha256Digest(bytes);
  const pushed = await client.putManifest(repo, input.tag ?? digest, bytes, MEDIA.ociManifest);
  const manifest = canonicalDescriptor({
    mediaType: MEDIA.ociManifest, digest: pushed.digest, size: bytes.length, artifactType: input.artifactType, annotations: input.annotations,
  });
  const result: PushArtifactResult = { manifest, layers: layers.map(canonicalDescriptor) };
  if (!input.subject) return result;
  if (pushed.subjectProcessed) return { ...result, referrers: "native" };
  await addToFallbackIndex(client, repo, input.subject.digest, manifest);
  return { ...result, referrers: "tag-fallback" };
}

/** GET the `sha256-<hex>` index (404 → new), add the descriptor unless present, PUT with If-Match; retried on a race. */
export async function addToFallbackIndex(client: OciClient, repository: string, subjectDigest: string, desc: Descriptor): Promise<void> {
  const internal = "http" in client ? (client as InternalOciClient) : undefined;
  for (let attempt = 0; ; attempt++) {
    const current = internal ? await readFallbackIndex(internal.http, repository, subjectDigest) : await readPublic(client, repository, subjectDigest);
    const index: ImageIndex = current?.index ?? { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [] };
    if (index.manifests.some((m) => m.digest === desc.digest)) return;
    const next = { ...index, schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [...index.manifests, desc] };
    const bytes = new TextEncoder().encode(JSON.stringify(next));
    try {
      if (internal) await putManifestIfMatch(internal.http, repository, fallbackTag(subjectDigest), bytes, MEDIA.ociIndex, current?.etag);
      else await client.putManifest(repository, fallbackTag(subjectDigest), bytes, MEDIA.ociIndex);
      return;
    } catch (e) {
      if (!isCairnError(e, "STATE_CONFLICT") || attempt >= 4) throw e;
    }
  }
}

/** For clients other than ours (tests may wrap one): no ETag available. */
async function readPublic(client: OciClient, repository: string, subjectDigest: string): Promise<{ index: ImageIndex; etag?: string } | undefined> {
  const tag = fallbackTag(subjectDigest);
  if (!(await client.headManifest(repository, tag))) return undefined;
  const got = await client.getManifest(repository, tag);
  const parsed = JSON.parse(new TextDecoder().decode(got.bytes)) as Partial<ImageIndex>;
  return { index: { ...parsed, schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: parsed.manifests ?? [] } };
}
