import { CairnError } from "../../errors.ts";
import { looksLikeImageRef } from "../../oci/reference.ts";
import { MEDIA, type Descriptor, type ImageRef } from "../../oci/types.ts";
import { ANN, type MaterialKind } from "./kind.ts";

/**
 * A container image given as an OCI image-layout directory, `dir` or `dir@sha256:<hex>`, or as a registry reference
 * `HOST[:PORT]/REPO[:TAG][@sha256:<hex>]` (resolved to its manifest digest by src/services/materials/registry-image.ts).
 * The image is recorded by its manifest digest; nothing is uploaded.
 */
export const containerImageKind = {
  kind: "CONTAINER_IMAGE",
  summary: "Container image from a registry (HOST/REPO[:TAG][@sha256:…]) or an OCI image-layout directory (dir[@sha256:…]), recorded by manifest digest",
  validates:
    "Layout: oci-layout marker with imageLayoutVersion, index.json listing the manifest, and the manifest blob hashing to its digest. " +
    "Registry: the manifest exists (HEAD, or GET and hash when the registry sends no digest); a cosign (`sha256-<hex>.sig` tag or signature referrer) or notary signature is looked up. " +
    "A @sha256:-pinned reference is taken by its digest without network in `cairn check` and dry runs, and by `att add --offline` (tag-only references are refused there), annotated image.resolved=false.",
  annotations: [
    `${ANN}.image.tag`,
    `${ANN}.image.is_latest_tag`,
    `${ANN}.image.media_type`,
    `${ANN}.image.size`,
    `${ANN}.image.registry`,
    `${ANN}.image.resolved`,
    `${ANN}.signature`,
    `${ANN}.signature.digest`,
    `${ANN}.signature.provider`,
  ],
  input: "image",
  autoDetect: true,
  example: "--value registry.example.com/team/app:1.0",
} as const satisfies MaterialKind;

export interface LayoutImage {
  /** sha256:<hex> of the manifest (or index) the layout points at. */
  digest: string;
  name: string;
  tag?: string;
  mediaType: string;
  annotations: Record<string, string>;
}

interface IndexEntry {
  digest?: unknown;
  mediaType?: unknown;
  annotations?: Record<string, unknown>;
}

/** Splits `dir@sha256:<hex>` into the directory and the pinned digest. */
export function splitImageValue(value: string): { dir: string; pin?: string } {
  const m = /^(.*)@(sha256:[0-9a-f]{64})$/.exec(value);
  return m ? { dir: m[1]!, pin: m[2]! } : { dir: value };
}

/** Picks the image out of an OCI layout's `oci-layout` and `index.json` contents. */
export function resolveOciLayout(src: { dir: string; ociLayout: string; index: string; pin?: string; dirName: string }): LayoutImage {
  const bad = (what: string, hint?: string): never => {
    throw new CairnError("MATERIAL_INVALID", `${src.dir}: ${what}`, { hint: hint ?? "pass an OCI image-layout directory, e.g. from `skopeo copy … oci:DIR` or `docker buildx --output type=oci,tar=false`" });
  };
  const layout = parseJson(src.ociLayout) ?? bad("oci-layout is not JSON");
  if (typeof (layout as { imageLayoutVersion?: unknown }).imageLayoutVersion !== "string") bad("oci-layout has no imageLayoutVersion");
  const index = parseJson(src.index) ?? bad("index.json is not JSON");
  const manifests = (index as { manifests?: unknown }).manifests;
  if (!Array.isArray(manifests) || manifests.length === 0) bad("index.json lists no manifests");
  const entries = (manifests as IndexEntry[]).filter((e) => typeof e.digest === "string" && /^sha256:[0-9a-f]{64}$/.test(e.digest));
  let entry: IndexEntry | undefined;
  if (src.pin) {
    entry = entries.find((e) => e.digest === src.pin) ?? bad(`index.json has no manifest ${src.pin}`, `manifests: ${entries.map((e) => e.digest).join(", ")}`);
  } else if (entries.length === 1) {
    entry = entries[0];
  } else {
    bad(`index.json lists ${entries.length} manifests; say which one`, `append @DIGEST to the path, one of: ${entries.map((e) => e.digest).join(", ")}`);
  }
  const e = entry!;
  const ref = [e.annotations?.["io.containerd.image.name"], e.annotations?.["org.opencontainers.image.ref.name"]].find((v): v is string => typeof v === "string");
  const { name, tag } = splitRef(ref, src.dirName);
  const mediaType = typeof e.mediaType === "string" ? e.mediaType : "application/vnd.oci.image.manifest.v1+json";
  const annotations: Record<string, string> = { [`${ANN}.image.media_type`]: mediaType };
  if (tag) {
    annotations[`${ANN}.image.tag`] = tag;
    annotations[`${ANN}.image.is_latest_tag`] = String(tag === "latest");
  }
  return { digest: e.digest as string, name, tag, mediaType, annotations };
}

/** `registry/repo:tag` → name + tag; a bare `tag` (OCI ref.name) names the image after the directory. */
function splitRef(ref: string | undefined, dirName: string): { name: string; tag?: string } {
  if (!ref) return { name: dirName };
  const at = ref.lastIndexOf(":");
  if (at > ref.lastIndexOf("/")) return { name: at === 0 ? dirName : ref.slice(0, at), tag: ref.slice(at + 1) };
  if (!ref.includes("/")) return { name: dirName, tag: ref };
  return { name: ref };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Where an image value points. An existing directory (or `dir@sha256:…` of one) always wins, so layouts keep working
 * whatever their name; otherwise a value shaped like `HOST/REPO…` is a registry reference. Pure: the caller stats.
 */
export function imageSource(value: string, isExistingPath: boolean): "layout" | "registry" {
  if (isExistingPath) return "layout";
  return looksLikeImageRef(value) ? "registry" : "layout";
}

/** A signature found next to an image in its registry. */
export interface SignatureFound {
  provider: "cosign" | "notary";
  /** Digest of the signature manifest (the `.sig` tag's manifest, or the referrer's). */
  digest: string;
}

/** The manifest a registry reference resolved to. */
export interface ResolvedManifest {
  digest: string;
  mediaType: string;
  size: number;
}

/** The recorded name of a registry image: its repository with the registry host, e.g. `127.0.0.1:5000/team/app`. */
export function registryImageName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/**
 * Annotations of an image resolved from a registry. `image.registry` marks the material as registry-resolved (a layout
 * may carry a registry-like name too): push-referrers.ts pushes attestations only next to these, with the recorded
 * media type and size as the referrer's subject descriptor.
 */
export function registryImageAnnotations(ref: ImageRef, m: ResolvedManifest, sig: SignatureFound | undefined): Record<string, string> {
  const a: Record<string, string> = {
    [`${ANN}.image.registry`]: ref.registry,
    [`${ANN}.image.media_type`]: m.mediaType,
    [`${ANN}.image.size`]: String(m.size),
    [`${ANN}.signature`]: String(sig !== undefined),
  };
  if (ref.tag !== undefined) {
    a[`${ANN}.image.tag`] = ref.tag;
    a[`${ANN}.image.is_latest_tag`] = String(ref.tag === "latest");
  }
  if (sig) {
    a[`${ANN}.signature.digest`] = sig.digest;
    a[`${ANN}.signature.provider`] = sig.provider;
  }
  return a;
}

/**
 * An image taken by the digest its reference pins, without asking the registry (`check`, dry runs, `att add
 * --offline`). It carries `image.resolved=false` and no `image.registry`: its media type and size are unknown, so no
 * attestation is pushed next to it as a referrer. A reference without a digest cannot be taken this way.
 */
export function unresolvedRegistryImage(value: string, ref: ImageRef): { name: string; digest: string; annotations: Record<string, string> } {
  if (!ref.digest) {
    throw new CairnError("USAGE", `image ${value} has no digest: without the registry its digest cannot be known`, {
      hint: `pin it @sha256:…, e.g. ${registryImageName(ref)}@sha256:<digest> (\`crane digest\` or \`docker buildx imagetools inspect\` print it), or drop --offline`,
    });
  }
  const annotations: Record<string, string> = { [`${ANN}.image.resolved`]: "false" };
  if (ref.tag !== undefined) {
    annotations[`${ANN}.image.tag`] = ref.tag;
    annotations[`${ANN}.image.is_latest_tag`] = String(ref.tag === "latest");
  }
  return { name: registryImageName(ref), digest: ref.digest, annotations };
}

const COSIGN_TYPES: readonly string[] = [MEDIA.cosignSimpleSigning, MEDIA.cosignSignatureArtifact];

/**
 * The signature among an image's referrers, cosign first. A sigstore bundle counts as a cosign signature only when it
 * is not a DSSE attestation (`dev.sigstore.bundle.content: dsse-envelope`): cairn's own attestations are bundles
 * pushed as referrers too, and an attestation about an image is not a signature of it.
 */
export function signatureFromReferrers(referrers: readonly Descriptor[]): SignatureFound | undefined {
  const cosign = referrers.find((d) => isCosignSignature(d));
  if (cosign) return { provider: "cosign", digest: cosign.digest };
  const notary = referrers.find((d) => d.artifactType === MEDIA.notarySignature);
  return notary ? { provider: "notary", digest: notary.digest } : undefined;
}

function isCosignSignature(d: Descriptor): boolean {
  if (d.artifactType !== undefined && COSIGN_TYPES.includes(d.artifactType)) return true;
  return d.artifactType === MEDIA.sigstoreBundle && d.annotations?.["dev.sigstore.bundle.content"] !== "dsse-envelope";
}

/** cosign's tag-schema name of an image's signature: `sha256-<hex>.sig`. */
export function cosignSignatureTag(digest: string): string {
  return `${digest.replace(":", "-")}.sig`;
}
