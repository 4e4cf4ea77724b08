// exemptImages patterns: images the webhook admits without a check (the pause image, a cluster add-on). Pure.
// A pattern names a registry host exactly and a repository and tag by glob, and matches images after the same
// normalization as image references (docker.io/busybox = registry-1.docker.io/library/busybox), so that spelling
// an image differently can neither escape a pattern nor widen one.
import { DIGEST, DOCKER_HUB, HOST, isRegistryHost, parseImageRef, PATH_COMPONENT } from "../oci/reference.ts";

export interface ImagePattern {
  /** As written in the configuration. */
  source: string;
  registry: string;
  repository: RegExp;
  /** Matched against the image's tag, or "" when it has none (so `*` covers digest-only references). */
  tag?: RegExp;
  /** The tag glob is `*`. */
  anyTag: boolean;
  digest?: string;
}

const TAG_GLOB = /^[A-Za-z0-9_.*-]{1,128}$/;

/** Parses one pattern; returns a problem (for the field's error) instead of throwing. */
export function parseImagePattern(source: string): ImagePattern | string {
  let rest = source.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return `the digest "${digest}" is not sha256:<64 lowercase hex>`;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_GLOB.test(tag)) return `the tag "${tag}" is not a tag glob (letters, digits, . _ - and *)`;
  }
  if (tag === undefined && digest === undefined) return "names no tag or digest: add :* to exempt every tag, or :TAG or @sha256:…";
  const parts = rest.split("/");
  const host = (parts.shift() ?? "").toLowerCase();
  if (parts.length === 0 || !HOST.test(host) || !isRegistryHost(host)) {
    return "must start with a registry host, without wildcards (docker.io/library/busybox:*, registry.k8s.io/pause:*)";
  }
  // A `*` stands for letters here only to check the component's shape; in matching it is any run of non-`/`.
  const bad = parts.find((p) => !PATH_COMPONENT.test(p.replaceAll("*", "a")));
  if (bad !== undefined) return `the repository component "${bad}" is not valid (lowercase letters, digits, . _ - and *)`;
  const registry = host === "docker.io" || host === "index.docker.io" ? DOCKER_HUB : host;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift("library");
  return {
    source,
    registry,
    repository: glob(parts.join("/"), "[^/]*"),
    ...(tag !== undefined && { tag: glob(tag, ".*") }),
    anyTag: tag === "*",
    ...(digest !== undefined && { digest }),
  };
}

/** Whether an image, as written in a Pod spec, matches the pattern; an image that does not parse matches nothing. */
export function matchesImage(p: ImagePattern, image: string): boolean {
  let ref;
  try {
    ref = parseImageRef(image);
  } catch {
    return false;
  }
  if (ref.registry.toLowerCase() !== p.registry || !p.repository.test(ref.repository)) return false;
  if (p.digest !== undefined && ref.digest !== p.digest) return false;
  if (p.tag === undefined) return true;
  // With a digest the runtime pulls the digest and ignores the tag: `:3.9` must not admit `:3.9@sha256:<anything>`.
  if (ref.digest !== undefined && p.digest === undefined && !p.anyTag) return false;
  // parseImageRef adds `latest` only when there is neither a tag nor a digest, as the runtime does.
  return p.tag.test(ref.tag ?? "");
}

function glob(pattern: string, star: string): RegExp {
  const body = pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(star);
  return new RegExp(`^${body}$`);
}
