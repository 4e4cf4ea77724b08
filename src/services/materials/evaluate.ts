import { sha256 } from "../../crafter/sha256.ts";
import { existsSync, openSync, readSync, closeSync, statSync, type Stats } from "node:fs";
import { basename, resolve } from "node:path";
import { CairnError, isCairnError } from "../../errors.ts";
import { detectKind, sampleOf } from "../../crafter/materials/detect.ts";
import { SNIFF_BYTES, type MaterialKind, type Sample, type Validated } from "../../crafter/materials/kind.ts";
import { findKind, kindNames } from "../../crafter/materials/registry.ts";
import { readLayoutImage } from "./oci-layout.ts";
import { imageSource, splitImageValue, unresolvedRegistryImage } from "../../crafter/materials/container-image.ts";
import { parseImageRef } from "../../oci/reference.ts";
import type { RegistryOptionsFn } from "./registry-image.ts";

/** Largest file whose content is validated in memory; larger files of validated kinds are refused. */
export const MAX_VALIDATE_BYTES = 512 * 1024 * 1024;

export interface EvaluateOptions {
  cwd: string;
  strict: boolean;
  /** Registry settings per host for CONTAINER_IMAGE references (absent: https, anonymous). */
  registry?: RegistryOptionsFn;
  /** The contract material being added, to name it when the file is of another kind. */
  materialName?: string;
  /**
   * When a registry image reference is resolved: `always` (default: the manifest must exist, signatures are looked
   * up), `unless-pinned` (a `@sha256:` reference is taken by its digest, no network: check, dry runs), `never`
   * (`att add --offline`: only pinned references, no network at all).
   */
  resolveImages?: "always" | "unless-pinned" | "never";
}

/** A material checked and hashed, ready to be stored. */
export interface Evaluated {
  kind: MaterialKind;
  /** STRING: the value; files: base name; images: image name. */
  value: string;
  digest: string;
  size?: number;
  /** Absolute path of a file material. */
  path?: string;
  /** Content already read for validation (so ingest need not read the file again). */
  bytes?: Uint8Array;
  annotations: Record<string, string>;
  warnings: string[];
}

/** Resolves the kind (given or sniffed), checks the value exists and validates it. Reads, never writes. */
export async function evaluateMaterial(value: string, kindName: string | undefined, opts: EvaluateOptions): Promise<Evaluated> {
  if (value === "") throw new CairnError("MATERIAL_EMPTY", "the material value is empty", { hint: "pass --value" });
  const kind = kindName === undefined ? detect(value, opts.cwd) : requireKind(kindName);
  if (kind.input === "value") {
    return { kind, value, digest: sha256(value), annotations: {}, warnings: [] };
  }
  if (kind.input === "image" && imageSource(value, isImagePath(value, opts.cwd)) === "registry") {
    const ref = parseImageRef(value);
    const mode = opts.resolveImages ?? "always";
    const img =
      mode === "never" || (mode === "unless-pinned" && ref.digest)
        ? unresolvedRegistryImage(value, ref)
        : // the OCI client only when an image is named
          await (await import("./registry-image.ts")).resolveRegistryImage(value, { registry: opts.registry ?? (async (registry) => ({ registry })) });
    return { kind, value: img.name, digest: img.digest, annotations: img.annotations, warnings: [] };
  }
  if (kind.input === "image") {
    const img = readLayoutImage(value, opts.cwd);
    return { kind, value: img.name, digest: img.digest, annotations: img.annotations, warnings: [] };
  }
  const path = resolve(opts.cwd, value);
  const st = statFile(path, value);
  if (!kind.validate) return { kind, value: basename(path), path, digest: "", size: st.size, annotations: {}, warnings: [] };
  if (st.size > MAX_VALIDATE_BYTES) {
    throw new CairnError("MATERIAL_INVALID", `${value}: ${st.size} bytes is too large to validate as ${kind.kind}`, {
      hint: `files of validated kinds are limited to ${MAX_VALIDATE_BYTES} bytes; add it as ARTIFACT instead`,
    });
  }
  const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
  let v: Validated;
  try {
    v = await kind.validate(bytes, { fileName: basename(path), strict: opts.strict });
  } catch (e) {
    throw kindMismatch(e, kind, bytes, basename(path), opts.materialName);
  }
  return { kind, value: basename(path), path, bytes, digest: sha256(bytes), size: bytes.length, annotations: v.annotations, warnings: v.warnings };
}

/**
 * A file that fails its expected kind's validation but sniffs as another known kind is named as such
 * ("material tests expects JUNIT_XML, but the file looks like SBOM_CYCLONEDX_JSON"); other errors pass through.
 */
function kindMismatch(e: unknown, kind: MaterialKind, bytes: Uint8Array, fileName: string, materialName?: string): unknown {
  if (!isCairnError(e, "MATERIAL_INVALID")) return e;
  const detected = detectKind(sampleOf(bytes, fileName), fileName).kind;
  if (detected === kind.kind || detected === "ARTIFACT" || detected === "STRING") return e;
  const what = materialName === undefined ? `expected ${kind.kind}` : `material ${materialName} expects ${kind.kind}`;
  return new CairnError("MATERIAL_INVALID", `${what}, but the file ${fileName} looks like ${detected}`, {
    hint: `pass a ${kind.kind} file${materialName === undefined ? "" : ` for ${materialName}`}, or add this one as a material of kind ${detected} (--kind ${detected}); validating it as ${kind.kind} said: ${e.message}`,
    details: e.details,
    cause: e,
  });
}

export function requireKind(name: string): MaterialKind {
  const kind = findKind(name);
  if (!kind) {
    throw new CairnError("MATERIAL_UNKNOWN", `unknown material kind ${name}`, { hint: `known kinds: ${kindNames().join(", ")}` });
  }
  return kind;
}

/** Auto-discovery: a regular file is sniffed, an OCI layout directory is an image, anything else is a STRING. */
export function detect(value: string, cwd: string): MaterialKind {
  const path = resolve(cwd, value);
  let st: Stats | undefined;
  try {
    st = statSync(path);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory() && existsSync(resolve(path, "oci-layout"))) return requireKind("CONTAINER_IMAGE");
  const pinned = /^(.*)@sha256:[0-9a-f]{64}$/.exec(value);
  if (!st && pinned && existsSync(resolve(cwd, pinned[1]!, "oci-layout"))) return requireKind("CONTAINER_IMAGE");
  // A cheap pure sniff: HOST/REPO… that is no path is an image reference; the registry is contacted only on add.
  if (!st && imageSource(value, isImagePath(value, cwd)) === "registry") return requireKind("CONTAINER_IMAGE");
  return detectKind(st?.isFile() ? readSample(path, st.size) : null, value);
}

/** Whether an image value names something on disk (`dir` or `dir@sha256:…`): then it is a layout, never a registry. */
function isImagePath(value: string, cwd: string): boolean {
  return existsSync(resolve(cwd, value)) || existsSync(resolve(cwd, splitImageValue(value).dir));
}

/** The first SNIFF_BYTES of a file: all detection ever reads, whatever the file's size. */
export function readSample(path: string, size: number): Sample {
  const head = new Uint8Array(Math.min(size, SNIFF_BYTES));
  const fd = openSync(path, "r");
  try {
    let off = 0;
    while (off < head.length) {
      const n = readSync(fd, head, off, head.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return { head: head.subarray(0, off), size, fileName: basename(path) };
  } finally {
    closeSync(fd);
  }
}

export function statFile(path: string, value: string): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    throw new CairnError("NOT_FOUND", `file ${value} does not exist`, { hint: "check the path passed with --value" });
  }
  if (!st.isFile()) throw new CairnError("USAGE", `${value} is not a regular file`, { hint: "pass the path of a file" });
  if (st.size === 0) throw new CairnError("MATERIAL_EMPTY", `file ${value} is empty`, { hint: "an empty file is not evidence; check the step that produces it" });
  return st;
}
