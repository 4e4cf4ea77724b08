import { CairnError } from "../../errors.ts";
import { ANN, type MaterialKind } from "./kind.ts";

/**
 * A container image given as an OCI image-layout directory, `dir` or `dir@sha256:<hex>` (registry references come
 * with the OCI issue). The image is recorded by its manifest digest; nothing is uploaded.
 */
export const containerImageKind = {
  kind: "CONTAINER_IMAGE",
  summary: "Container image from an OCI image-layout directory (dir[@sha256:…]), recorded by manifest digest",
  validates: "oci-layout marker with imageLayoutVersion, index.json listing the manifest, and the manifest blob hashing to its digest.",
  annotations: [`${ANN}.image.tag`, `${ANN}.image.is_latest_tag`, `${ANN}.image.media_type`],
  input: "image",
  autoDetect: true,
  example: "--value ./build/image-layout@sha256:963237…",
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
