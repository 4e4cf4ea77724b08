/**
 * Image references, a subset of the docker reference grammar: `[host[:port]/]path[:tag][@sha256:hex]`.
 * Names without a registry host are Docker Hub names (`alpine` → registry-1.docker.io/library/alpine:latest).
 */
import { CairnError } from "../errors.ts";
import type { ImageRef } from "./types.ts";

export const DOCKER_HUB = "registry-1.docker.io";
export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const DIGEST = /^sha256:[a-f0-9]{64}$/;
export const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;

/** A first component is a registry host when it has a `.` or `:` or is `localhost` (docker's rule). */
export function isRegistryHost(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost";
}

function usage(value: string, why: string): CairnError {
  return new CairnError("USAGE", `invalid image reference "${value}": ${why}`, {
    hint: "use HOST[:PORT]/REPOSITORY[:TAG][@sha256:HEX], e.g. registry.example.com/team/app:1.0",
  });
}

export function parseImageRef(s: string): ImageRef {
  const value = s.trim();
  if (value === "") throw usage(s, "it is empty");
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw usage(s, `the digest "${digest}" is not sha256:<64 lowercase hex>`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw usage(s, `the tag "${tag}" is not valid (letters, digits, . _ -, up to 128)`);
  }
  const parts = rest.split("/");
  let registry = DOCKER_HUB;
  if (parts.length > 1 && isRegistryHost(parts[0] ?? "")) {
    registry = parts.shift() ?? "";
    if (!HOST.test(registry)) throw usage(s, `the registry host "${registry}" is not valid`);
  }
  if (registry === "docker.io" || registry === "index.docker.io") registry = DOCKER_HUB;
  for (const p of parts) {
    if (!PATH_COMPONENT.test(p)) throw usage(s, `the repository component "${p}" is not valid (lowercase letters, digits, . _ -)`);
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift("library");
  if (tag === undefined && digest === undefined) tag = "latest";
  const ref: ImageRef = { registry, repository: parts.join("/") };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

export function formatImageRef(r: ImageRef): string {
  return `${r.registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ""}${r.digest !== undefined ? `@${r.digest}` : ""}`;
}

/**
 * Whether a string names an image in a registry rather than a file: it starts with a registry host and a `/`.
 * Pure (never touches the filesystem); `./x`, `dir/file` and `alpine` are never image references here.
 */
export function looksLikeImageRef(s: string): boolean {
  const slash = s.indexOf("/");
  if (slash <= 0) return false;
  const host = s.slice(0, slash);
  if (!isRegistryHost(host) || !HOST.test(host)) return false;
  if (host.startsWith(".") || host === "..") return false;
  try {
    parseImageRef(s);
    return true;
  } catch {
    return false;
  }
}
