// `cairn verify image REF`: a registry reference or an OCI layout directory, resolved to its manifest digest with the
// code `att add` uses, then verified as a digest — with the store's attestations and, for registry images, the Sigstore
// bundles attached to the digest as OCI referrers (push-referrers.ts writes them). A referrer bundle is judged like a
// stored one; when the store does not hold it, its run is unknown, so it passes only a policy that needs no run facts
// (no --workflow, --project or --max-age, and --allow-behind).
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { CairnError, isCairnError } from "../../errors.ts";
import { imageSource, splitImageValue } from "../../crafter/materials/container-image.ts";
import { parseImageRef } from "../../oci/reference.ts";
import { MEDIA, type OciClient, type RegistryOptions } from "../../oci/types.ts";
import type { ServiceDeps } from "../deps.ts";
import { readLayoutImage } from "../materials/oci-layout.ts";
import { registryOptionsFn, resolveRegistryImage } from "../materials/registry-image.ts";
import { verifyArtifactDigest } from "./digest.ts";
import { sha256 } from "./signature.ts";
import type { ArtifactVerdict, ExtraBundle, VerifyDigestInput } from "./types.ts";

export interface VerifyImageInput extends Omit<VerifyDigestInput, "digest" | "resourceUri"> {
  /** Tests: another registry client factory. */
  client?: (opts: RegistryOptions) => OciClient;
}

/** Referrer bundles read per image, and the largest one read. */
const MAX_REFERRERS = 50;
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;
const MAX_LAYERS = 4;

/** A blob of at most `max` bytes, streamed and stopped past it (whatever the registry declared), then digest-checked. */
async function readBounded(client: OciClient, repository: string, digest: string, max: number): Promise<Uint8Array> {
  const blob = await client.openBlob(repository, digest);
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of blob.chunks) {
    n += c.length;
    if (n > max) throw new CairnError("TOO_LARGE", `referrer blob ${digest} of ${repository} is over ${max} bytes`);
    parts.push(c);
  }
  const bytes = new Uint8Array(Buffer.concat(parts));
  if (sha256(bytes) !== digest) throw new CairnError("INTEGRITY", `referrer blob ${digest} of ${repository} hashes to ${sha256(bytes)}`);
  return bytes;
}

/** Where an image reference points: its manifest digest, the resource URI verdicts name, and its registry if any. */
export interface ResolvedImage {
  digest: string;
  resourceUri: string;
  registry?: { host: string; repository: string };
}

/** Resolves REF with the code `att add` uses: an OCI layout directory (`dir[@sha256:…]`), else a registry reference. */
export async function resolveImage(deps: Pick<ServiceDeps, "config"> & { casBackends?: ServiceDeps["casBackends"] }, ref: string, client?: VerifyImageInput["client"]): Promise<ResolvedImage> {
  const cwd = deps.config.cwd;
  const layout = existsSync(resolve(cwd, ref)) || existsSync(resolve(cwd, splitImageValue(ref).dir));
  if (imageSource(ref, layout) === "layout") {
    const img = readLayoutImage(ref, cwd);
    return { digest: img.digest, resourceUri: `oci-layout:${resolve(cwd, splitImageValue(ref).dir)}@${img.digest}` };
  }
  const img = await resolveRegistryImage(ref, { registry: registryOptionsFn(deps), ...(client && { client }) });
  const parsed = parseImageRef(ref);
  return { digest: img.digest, resourceUri: `${img.name}@${img.digest}`, registry: { host: parsed.registry, repository: parsed.repository } };
}

export async function verifyImage(deps: ServiceDeps, ref: string, input: VerifyImageInput): Promise<ArtifactVerdict> {
  const img = await resolveImage(deps, ref, input.client);
  let extra: ExtraBundle[] = [];
  if (img.registry) {
    const create = input.client ?? (await import("../../oci/client.ts")).createOciClient;
    extra = await referrerBundles(deps, create(await registryOptionsFn(deps)(img.registry.host)), img.registry.repository, img.digest);
  }
  const { client: _c, ...rest } = input;
  return verifyArtifactDigest(deps, { ...rest, digest: img.digest, resourceUri: img.resourceUri }, extra);
}

/** The Sigstore bundles attached to `digest` (cosign's bundle layout: one layer of the bundle media type). */
async function referrerBundles(deps: ServiceDeps, client: OciClient, repository: string, digest: string): Promise<ExtraBundle[]> {
  const out: ExtraBundle[] = [];
  let descriptors;
  try {
    descriptors = await client.referrers(repository, digest, MEDIA.sigstoreBundle);
  } catch (e) {
    if (!isCairnError(e)) throw e;
    deps.reporter.warn(`referrers of ${repository}@${digest} could not be listed: ${e.message}`);
    return out;
  }
  for (const d of descriptors.slice(0, MAX_REFERRERS)) {
    try {
      const manifest = await client.getManifest(repository, d.digest);
      const layers = (JSON.parse(new TextDecoder().decode(manifest.bytes ?? new Uint8Array())) as { layers?: { mediaType?: string; digest?: string; size?: number }[] }).layers ?? [];
      // A bundle artifact has one layer; a registry's claims (sizes, counts) are bounded, not trusted.
      for (const l of layers.slice(0, MAX_LAYERS)) {
        if (l.mediaType !== MEDIA.sigstoreBundle || typeof l.digest !== "string" || !(Number(l.size) <= MAX_BUNDLE_BYTES)) continue;
        out.push({ bytes: await readBounded(client, repository, l.digest, MAX_BUNDLE_BYTES), origin: `${repository} referrer ${d.digest}` });
      }
    } catch (e) {
      if (!isCairnError(e) && !(e instanceof SyntaxError)) throw e;
      deps.reporter.warn(`referrer ${d.digest} of ${repository}@${digest} could not be read: ${(e as Error).message}`);
    }
  }
  return out;
}
