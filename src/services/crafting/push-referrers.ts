/**
 * After a local push with an OCI default CAS backend: the signed bundle is also pushed next to every container image
 * subject that was resolved from a registry, as an OCI artifact whose `subject` is the image manifest (cosign's
 * sigstore-bundle layout), so registry-side tools find it with the referrers API or the `sha256-<hex>` tag fallback.
 *
 * The attestation is already stored when this runs: a registry failure is a warning, never a failed push. There is
 * no retry command; the warning says how to attach the stored bundle by hand.
 */
import { ANN } from "../../crafter/materials/kind.ts";
import { PREDICATE_TYPE, type Statement } from "../../crafter/statement.ts";
import { MEDIA, type Descriptor, type OciClient, type RegistryOptions } from "../../oci/types.ts";
import type { CasBackendRepo } from "../../store/cas-backend-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { registryOptionsFn } from "../materials/registry-image.ts";
import { oneChunk } from "../../oci/source.ts";

export interface ReferrerPush {
  /** `HOST/REPO@sha256:…`, the image the attestation now refers to. */
  image: string;
  /** Digest of the pushed artifact manifest. */
  digest: string;
  /** Recorded by the registry (native referrers API) or by cairn in the `sha256-<hex>` tag index. */
  mode: "native" | "tag-fallback";
}

export type ReferrerDeps = Pick<ServiceDeps, "config" | "reporter"> & { casBackends: Pick<CasBackendRepo, "findDefault" | "list"> };

export interface ReferrerInput {
  statement: Statement;
  bundle: Uint8Array;
  /** org.opencontainers.image.created */
  now: string;
  /** The bundle's digest, to name it in the retry hint. */
  digest: string;
  /** The predicate type the bundle signs (annotation); cairn's by default. `statement` still names the images. */
  predicateType?: string;
  /** Tests: another client factory. */
  client?: (opts: RegistryOptions) => OciClient;
}

/** An image subject to push next to: where it lives and its manifest descriptor. */
interface ImageSubject {
  registry: string;
  repository: string;
  subject: Descriptor;
}

/** The container-image subjects of a statement that came from a registry (layouts carry no `image.registry`). */
export function registryImageSubjects(statement: Statement): ImageSubject[] {
  const out: ImageSubject[] = [];
  for (const s of statement.subject) {
    const a = s.annotations ?? {};
    const registry = a[`${ANN}.image.registry`];
    const hex = s.digest.sha256;
    if (a[`${ANN}.type`] !== "CONTAINER_IMAGE" || !registry || !s.name?.startsWith(`${registry}/`) || !hex) continue;
    const size = Number(a[`${ANN}.image.size`]);
    const mediaType = a[`${ANN}.image.media_type`] ?? MEDIA.ociManifest;
    out.push({ registry, repository: s.name.slice(registry.length + 1), subject: { mediaType, digest: `sha256:${hex}`, size } });
  }
  return out;
}

/** Pushes the bundle next to each registry image subject when the default CAS backend is OCI; [] otherwise. */
export async function pushReferrers(deps: ReferrerDeps, input: ReferrerInput): Promise<ReferrerPush[]> {
  if ((await deps.casBackends.findDefault())?.provider !== "oci") return [];
  const images = registryImageSubjects(input.statement);
  if (images.length === 0) return [];
  const { createOciClient } = await import("../../oci/client.ts");
  const { pushArtifact } = await import("../../oci/oras.ts");
  const optionsFor = registryOptionsFn(deps);
  const done: ReferrerPush[] = [];
  for (const img of images) {
    const image = `${img.registry}/${img.repository}@${img.subject.digest}`;
    try {
      const client = (input.client ?? createOciClient)(await optionsFor(img.registry));
      const r = await pushArtifact(client, {
        repository: img.repository,
        artifactType: MEDIA.sigstoreBundle,
        files: [{ mediaType: MEDIA.sigstoreBundle, source: { size: input.bundle.length, chunks: oneChunk(input.bundle) } }],
        annotations: {
          "dev.sigstore.bundle.content": "dsse-envelope",
          "dev.sigstore.bundle.predicateType": input.predicateType ?? PREDICATE_TYPE,
          "org.opencontainers.image.created": input.now,
        },
        subject: img.subject,
      });
      done.push({ image, digest: r.manifest.digest, mode: r.referrers ?? "native" });
    } catch (e) {
      deps.reporter.warn(
        `the attestation is stored, but pushing it to ${image} as a referrer failed: ${e instanceof Error ? e.message : String(e)}. ` +
          `There is no retry command; attach it by hand: \`cairn workflow run describe --digest ${input.digest} -o attestation > bundle.json\`, then ` +
          `\`oras attach --artifact-type ${MEDIA.sigstoreBundle} ${image} bundle.json:${MEDIA.sigstoreBundle}\``,
      );
    }
  }
  return done;
}

