// CONTAINER_IMAGE materials named by a registry reference: resolved to their manifest digest, signatures looked up.
import { CairnError, isCairnError } from "../../errors.ts";
import {
  cosignSignatureTag,
  registryImageAnnotations,
  registryImageName,
  signatureFromReferrers,
  type ResolvedManifest,
  type SignatureFound,
} from "../../crafter/materials/container-image.ts";
import { formatImageRef, parseImageRef } from "../../oci/reference.ts";
import type { ImageRef, OciClient, RegistryOptions } from "../../oci/types.ts";
import { registryOptionsFor, type RegistryDeps } from "../oci-registries.ts";

/** Settings (plain http, credentials) for one registry host. */
export type RegistryOptionsFn = (host: string) => Promise<RegistryOptions>;

export interface RegistryImage {
  /** `HOST/REPOSITORY`, the recorded material value. */
  name: string;
  digest: string;
  annotations: Record<string, string>;
}

/** What a resolution may be given: the settings per host, and (tests) another client factory. */
export interface ResolveOptions {
  registry: RegistryOptionsFn;
  client?: (opts: RegistryOptions) => OciClient;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** registryOptionsFor over a crafting deps, which has no CAS backends against `cairn serve`: then env only. */
export function registryOptionsFn(deps: { config: RegistryDeps["config"]; casBackends?: RegistryDeps["casBackends"] }): RegistryOptionsFn {
  const casBackends = deps.casBackends ?? { list: async () => [] };
  return async (host) => await registryOptionsFor({ config: deps.config, casBackends }, host);
}

/**
 * Resolves `HOST/REPO[:TAG][@sha256:…]`: a digest reference must exist, a tag is resolved to the digest it points at
 * now. The network is touched only here, for the value the user gave (never to guess kinds). Unknown images are
 * MATERIAL_INVALID; a registry that cannot be reached keeps the client's NETWORK code.
 */
export async function resolveRegistryImage(value: string, opts: ResolveOptions): Promise<RegistryImage> {
  const ref = parseImageRef(value);
  // Loaded on demand: add.ts imports this module for every material, the OCI client is only for images.
  const create = opts.client ?? (await import("../../oci/client.ts")).createOciClient;
  const client = create(await opts.registry(ref.registry));
  const manifest = await guard(value, () => resolveManifest(client, ref, value));
  const signature = await guard(value, () => findSignature(client, ref.repository, manifest.digest));
  return { name: registryImageName(ref), digest: manifest.digest, annotations: registryImageAnnotations(ref, manifest, signature) };
}

async function resolveManifest(client: OciClient, ref: ImageRef, value: string): Promise<ResolvedManifest> {
  const reference = ref.digest ?? ref.tag ?? "latest";
  const head = await client.headManifest(ref.repository, reference);
  if (!head) throw unknownImage(value, ref, `no manifest ${reference} in ${ref.repository} (HTTP 404)`);
  let found: ResolvedManifest = { digest: head.digest, mediaType: head.mediaType, size: head.size };
  if (!DIGEST.test(found.digest) || !found.mediaType || !(found.size > 0)) {
    // No length (or type) on HEAD: GET the bytes, which the client hashes and checks (it already does so when HEAD
    // gives no digest).
    const got = await client.getManifest(ref.repository, reference);
    found = { digest: got.digest, mediaType: got.mediaType || head.mediaType, size: got.size };
  }
  if (ref.digest && found.digest !== ref.digest) {
    throw new CairnError("INTEGRITY", `${value}: the registry served manifest ${found.digest} for ${ref.digest}`, {
      hint: "the registry or a proxy in between is not trustworthy; check its address",
    });
  }
  return found;
}

/** A cosign `sha256-<hex>.sig` tag first (the classic layout), else a cosign or notary referrer. */
async function findSignature(client: OciClient, repository: string, digest: string): Promise<SignatureFound | undefined> {
  const sig = await client.headManifest(repository, cosignSignatureTag(digest));
  if (sig) return { provider: "cosign", digest: sig.digest };
  return signatureFromReferrers(await client.referrers(repository, digest));
}

/** The registry's own NOT_FOUND / refusal becomes MATERIAL_INVALID naming the reference; NETWORK says dry-runs need it too. */
async function guard<T>(value: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isCairnError(e, "NOT_FOUND")) throw unknownImage(value, parseImageRef(value), e.message);
    if (isCairnError(e, "NETWORK")) {
      throw new CairnError("NETWORK", `resolving image ${value}: ${e.message}`, {
        hint: `${e.hint ? `${e.hint}; ` : ""}a tagged registry image is resolved to its digest when added, also in --dry-run and \`cairn check\`: the registry must be reachable, or pin it @sha256:… (then check and dry runs need no network, and \`att add --offline\` records it unresolved), or pass an OCI layout directory; a value that only looks like an image reference is added with --kind STRING`,
        cause: e,
      });
    }
    throw e;
  }
}

function unknownImage(value: string, ref: ImageRef, answer: string): CairnError {
  return new CairnError("MATERIAL_INVALID", `image ${value} not found in registry ${ref.registry}: ${answer}`, {
    hint: `check the repository and tag (resolved as ${formatImageRef(ref)}), and that you are logged in to ${ref.registry} if it is private; a value that only looks like an image reference is added with --kind STRING`,
  });
}
