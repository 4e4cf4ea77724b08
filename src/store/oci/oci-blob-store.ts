import { open } from "node:fs/promises";
import { basename } from "node:path";
import { CairnError, isCairnError } from "../../errors.ts";
import { MEDIA, type OciClient } from "../../oci/types.ts";
import { parseDigest } from "../cas/digest.ts";
import type { BlobRef, BlobStore, BlobStream, IngestOptions, StreamIngestOptions } from "../ports.ts";
import { limited } from "../cas/limited.ts";
import { oneChunk } from "../../oci/source.ts";
import { sha256Digest } from "../../oci/manifests.ts";

/** The tag that keeps a blob's artifact from registry GC and lets a person find it (`skopeo list-tags`). */
export function evidenceTag(digest: string): string {
  return `sha256-${parseDigest(digest)}.cairn`;
}

/**
 * CAS blobs in one OCI repository, ORAS style: each blob is the single layer (application/octet-stream, titled with
 * its file name when known) of an artifact manifest with artifactType MEDIA.cairnEvidence and the empty config,
 * tagged `sha256-<hex>.cairn`. The manifest carries no timestamp, so pushing the same file twice is idempotent.
 * The client is made on first use: a command that never touches blobs never loads it nor resolves credentials.
 */
export class OciBlobStore implements BlobStore {
  private cached?: Promise<OciClient>;

  constructor(
    private readonly makeClient: () => Promise<OciClient>,
    readonly repository: string,
    /** For messages: the backend name and location. */
    readonly label: string,
  ) {}

  private client(): Promise<OciClient> {
    return (this.cached ??= this.makeClient());
  }

  async ingestFile(path: string, opts: IngestOptions = {}): Promise<BlobRef> {
    const fh = await open(path, "r");
    try {
      return await this.ingest(counted(fh.createReadStream({ highWaterMark: READ_CHUNK, autoClose: false }), opts), opts.name ?? basename(path));
    } finally {
      await fh.close();
    }
  }

  /** The digest is known up front: an artifact already tagged is not pushed again. */
  async putBytes(bytes: Uint8Array, opts: IngestOptions = {}): Promise<BlobRef> {
    const digest = sha256Digest(bytes);
    if (await this.has(digest)) return { digest, size: bytes.length };
    await this.pushManifest(await (await this.client()).pushBlob(this.repository, { digest, size: bytes.length, chunks: oneChunk(bytes) }), opts.name);
    return { digest, size: bytes.length };
  }

  /**
   * Over maxBytes the source throws TOO_LARGE before the upload's final PUT: the registry keeps no blob and no tag (only
   * an abandoned upload session, which registries expire).
   */
  async ingestStream(chunks: AsyncIterable<Uint8Array>, opts: StreamIngestOptions = {}): Promise<BlobRef> {
    return this.ingest(counted(opts.maxBytes === undefined ? chunks : limited(chunks, opts.maxBytes), opts), opts.name);
  }

  async has(digest: string): Promise<boolean> {
    return (await (await this.client()).headManifest(this.repository, evidenceTag(digest))) !== undefined;
  }

  /** Whether the registry still has the layer itself (HEAD /v2/…/blobs/<digest>): a tag can outlive a deleted blob. */
  async hasBlob(digest: string): Promise<boolean> {
    parseDigest(digest);
    return (await this.client()).hasBlob(this.repository, digest);
  }

  /** The client's readBlob re-hashes what the registry served and refuses a mismatch (INTEGRITY). */
  async read(digest: string): Promise<Uint8Array> {
    parseDigest(digest); // USAGE before anything is asked of the registry, as every adapter
    return this.notFoundAs(digest, async () => (await this.client()).readBlob(this.repository, digest));
  }

  async openRead(digest: string): Promise<BlobStream> {
    parseDigest(digest);
    return this.notFoundAs(digest, async () => (await this.client()).openBlob(this.repository, digest));
  }

  /** Streams the layer (the client hashes it while uploading, chunked), then the artifact manifest that tags it. */
  private async ingest(chunks: AsyncIterable<Uint8Array>, title?: string): Promise<BlobRef> {
    const layer = await (await this.client()).pushBlob(this.repository, { chunks });
    await this.pushManifest(layer, title);
    return layer;
  }

  /** pushArtifact finds the layer already uploaded (exists check) and writes only the empty config and the manifest. */
  private async pushManifest(layer: BlobRef, title?: string): Promise<void> {
    const { pushArtifact } = await import("../../oci/oras.ts"); // loaded only when something is pushed
    await pushArtifact(await this.client(), {
      repository: this.repository,
      artifactType: MEDIA.cairnEvidence,
      files: [{ mediaType: "application/octet-stream", ...(title !== undefined && { title }), source: { ...layer, chunks: oneChunk(new Uint8Array(0)) } }],
      annotations: { "org.opencontainers.image.authors": "cairn" },
      tag: evidenceTag(layer.digest),
    });
  }

  private async notFoundAs<T>(digest: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!isCairnError(e, "NOT_FOUND")) throw e;
      throw new CairnError("NOT_FOUND", `blob ${digest} is not in CAS backend ${this.label}`, { hint: "push it again, or check the registry kept it", cause: e });
    }
  }
}

const READ_CHUNK = 4 * 1024 * 1024;


/** Reports bytes read so far to onProgress. */
async function* counted(chunks: AsyncIterable<Uint8Array>, opts: IngestOptions): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const chunk of chunks) {
    n += chunk.length;
    opts.onProgress?.(n);
    yield chunk;
  }
}

