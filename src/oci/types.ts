/**
 * The contract of cairn's own OCI distribution client (src/oci/). No maintained npm client exists, so this is ours:
 * just what evidence storage, attestation referrers and CONTAINER_IMAGE resolution need. Everything here touches the
 * network only when a user configured a registry or named one; nothing probes on its own.
 */

export const MEDIA = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  empty: "application/vnd.oci.empty.v1+json",
  sigstoreBundle: "application/vnd.dev.sigstore.bundle.v0.3+json",
  cosignSimpleSigning: "application/vnd.dev.cosign.simplesigning.v1+json",
  cosignSignatureArtifact: "application/vnd.dev.cosign.artifact.sig.v1+json",
  notarySignature: "application/vnd.cncf.notary.signature",
  /** A CAS blob kept in a registry by cairn (artifactType of its manifest). */
  cairnEvidence: "application/vnd.cairn.evidence.v1",
} as const;

/** The empty JSON blob `{}` used as the config of artifacts (image-spec 1.1). */
export const EMPTY_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

export interface Descriptor {
  mediaType: string;
  /** sha256:<hex> */
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  data?: string;
}

/** A parsed image reference: `registry/repository[:tag][@digest]`; docker.io names are normalized. */
export interface ImageRef {
  /** host[:port], e.g. "127.0.0.1:5000", "registry-1.docker.io" (docker.io is mapped to its API host). */
  registry: string;
  /** e.g. "library/alpine", "team/app" */
  repository: string;
  tag?: string;
  digest?: string;
}

/** How to authenticate to one registry host. Secrets are never stored by cairn, only where to find them. */
export interface Credentials {
  username: string;
  password: string;
}

export interface RegistryOptions {
  /** host[:port] */
  registry: string;
  /** Plain http instead of https (only when the user said so: --insecure-http or CAIRN_INSECURE_REGISTRIES). */
  insecureHttp?: boolean;
  /** Basic credentials; also exchanged for a Bearer token when the registry answers with a Bearer challenge. */
  credentials?: Credentials;
  /** Injected for tests; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Retries on 5xx, 429 and connection errors, with exponential backoff (honouring Retry-After). Default 4. */
  retries?: number;
  /** First backoff delay in ms (doubles each retry). Default 200; tests set it low. */
  backoffMs?: number;
  /** Chunk size for chunked uploads. Default 16 MiB. */
  chunkBytes?: number;
}

export interface ManifestResult {
  digest: string;
  mediaType: string;
  size: number;
  /** The bytes exactly as served (hash them, never re-serialize). Absent for HEAD. */
  bytes?: Uint8Array;
}

export interface PushManifestResult {
  digest: string;
  /** The registry echoed OCI-Subject: it indexed `subject` itself (native referrers). */
  subjectProcessed: boolean;
}

export interface BlobSource {
  /** Known digest (monolithic upload after the fact, and the mount/exists check); absent: computed while streaming. */
  digest?: string;
  size?: number;
  chunks: AsyncIterable<Uint8Array>;
}

/**
 * One registry host. Repositories are named per call so a client can mount across them.
 * Errors are CairnErrors: NOT_FOUND (404), UNAUTHENTICATED (401/403 after auth), NETWORK (connection failed after
 * retries; the message names the registry and the fix), INTEGRITY (served bytes do not match the digest).
 */
export interface OciClient {
  readonly registry: string;
  /** GET /v2/ — checks reachability and credentials. */
  ping(): Promise<void>;
  hasBlob(repository: string, digest: string): Promise<boolean>;
  /**
   * Uploads a blob unless it is already there: exists check, then cross-repository mount when `mountFrom` is given,
   * else POST + PATCH chunks + PUT ?digest= (chunked, hashing while streaming), or POST + PUT for small known blobs.
   */
  pushBlob(repository: string, src: BlobSource, opts?: { mountFrom?: string }): Promise<{ digest: string; size: number }>;
  /** Streams a blob (follows redirects; drops auth cross-origin). The caller hashes; `readBlob` verifies. */
  openBlob(repository: string, digest: string): Promise<{ size: number; chunks: AsyncIterable<Uint8Array> }>;
  readBlob(repository: string, digest: string): Promise<Uint8Array>;
  /** HEAD (bytes absent) or GET a manifest by tag or digest; Accept covers OCI and Docker manifests and indexes. */
  headManifest(repository: string, reference: string): Promise<ManifestResult | undefined>;
  getManifest(repository: string, reference: string): Promise<ManifestResult>;
  putManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<PushManifestResult>;
  /** Referrers of a digest: native API, else the `sha256-<hex>` tag-schema index. Filtered by artifactType when given. */
  referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]>;
  listTags(repository: string): Promise<string[]>;
}

export interface ArtifactFile {
  mediaType: string;
  /** org.opencontainers.image.title */
  title?: string;
  source: BlobSource;
}

export interface PushArtifactInput {
  repository: string;
  artifactType: string;
  files: ArtifactFile[];
  /** Manifest annotations (org.opencontainers.image.created is the caller's: the core has no clock). */
  annotations?: Record<string, string>;
  subject?: Descriptor;
  tag?: string;
}

export interface PushArtifactResult {
  /** The artifact manifest's descriptor (with artifactType and annotations, as a referrers index lists it). */
  manifest: Descriptor;
  layers: Descriptor[];
  /** How the subject link was recorded: by the registry, or by us in the `sha256-<hex>` fallback index. */
  referrers?: "native" | "tag-fallback";
}
