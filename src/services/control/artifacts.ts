import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { CairnError } from "../../errors.ts";
import { parseDigest } from "../../store/cas/digest.ts";
import type { BlobStream, Scope } from "../../store/ports.ts";
import type { ServiceDeps } from "../deps.ts";
import { withFsckAdvice } from "../../store/fsck-advice.ts";
import { copyVerified, writeVerifiedFile } from "../verified-download.ts";
import { currentOrgId } from "./runs.ts";

/** Files above this size get a progress bar on a terminal. */
const PROGRESS_THRESHOLD = 1024 * 1024;

export interface UploadResult {
  digest: string;
  size: number;
  name: string;
}

/** `artifact upload`: streams the file into the CAS (hashed as it is written) and records it, organization-wide, so gc keeps it. */
export async function uploadArtifact(deps: ServiceDeps, input: { path: string }): Promise<UploadResult> {
  const path = resolve(deps.config.cwd, input.path);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new CairnError("NOT_FOUND", `file ${input.path} does not exist`);
  if (!info.isFile()) throw new CairnError("USAGE", `${input.path} is not a regular file`, { hint: "upload one file at a time (archive a directory first)" });
  const ref = await deps.blobs.ingestFile(path, { onProgress: progress(deps, `upload ${input.path}`, info.size) });
  const name = basename(path);
  await recordUpload(deps, { digest: ref.digest, size: ref.size, name }, deps.clock.now().toISOString());
  return { digest: ref.digest, size: ref.size, name };
}

/** The upload row (gc keeps the blob) and the mapping that lets the scope it arrived through read it. */
async function recordUpload(deps: ServiceDeps, u: { digest: string; size: number; name: string | null }, now: string, scope?: Scope): Promise<void> {
  await deps.repo.transaction(async () => {
    const org = await deps.repo.ensureOrg(deps.config.organization, now);
    await deps.runs.recordUpload({ orgId: org.id, ...u, createdAt: now });
    await deps.casMappings.record({ orgId: org.id, digest: u.digest, scope, source: "upload", name: u.name, createdAt: now });
  });
}

export interface StreamUploadInput {
  chunks: AsyncIterable<Uint8Array>;
  /** A file name to download it as (`?name=`): a base name, no path. */
  name?: string;
  /** The size limit, enforced while the bytes arrive (TOO_LARGE; nothing is kept). */
  maxBytes: number;
  /** The size the client announced (Content-Length): over the limit, refused before a byte is written. */
  declaredSize?: number;
  /** The token's scope: the upload is readable within it only (a project token's project-wide, a workflow token's in its workflow). */
  scope?: Scope;
}

const UPLOAD_NAME = /^[^/\\\x00-\x1f\x7f]{1,255}$/;

/** `POST /api/v1/blobs`: streams a request body into the CAS and records it for the token's scope, as `artifact upload`. */
export async function uploadStream(deps: ServiceDeps, input: StreamUploadInput): Promise<{ digest: string; size: number; name: string | null }> {
  const name = input.name ?? null;
  if (name !== null && (!UPLOAD_NAME.test(name) || name === "." || name === "..")) {
    throw new CairnError("USAGE", `name ${JSON.stringify(name.slice(0, 80))} is not a file name`, {
      hint: "pass a base name of 1 to 255 characters without '/', '\\' or control characters",
    });
  }
  if (input.declaredSize !== undefined && input.declaredSize > input.maxBytes) {
    throw new CairnError("TOO_LARGE", `the blob (${input.declaredSize} bytes) is larger than the limit of ${input.maxBytes} bytes`, {
      hint: "upload a smaller file, or ask the operator to raise the limit (`cairn serve --max-blob`, or the organization's max_blob_bytes)",
      details: { maxBytes: input.maxBytes },
    });
  }
  const ref = await deps.blobs.ingestStream(input.chunks, { maxBytes: input.maxBytes, ...(name !== null && { name }) });
  await recordUpload(deps, { digest: ref.digest, size: ref.size, name }, deps.clock.now().toISOString(), input.scope);
  return { digest: ref.digest, size: ref.size, name };
}

/**
 * `GET /api/v1/blobs/{digest}`: the blob's stream and download name, only when a CAS mapping lets the token's scope
 * read it: a digest alone never reads another organization's, project's or workflow's blob.
 */
export async function openArtifact(deps: ServiceDeps, input: { digest: string; scope?: Scope }): Promise<BlobStream & { name: string }> {
  const hex = parseDigest(input.digest);
  const name = await artifactName(deps, input.digest, hex, input.scope);
  return { ...(await deps.blobs.openRead(input.digest)), name };
}

export interface DownloadInput {
  digest: string;
  /** Destination file (or an existing directory), relative to cwd; default: the recorded name in cwd. */
  output?: string;
  /** Stream here instead of a file (`--output -`); the integrity error then comes after the bytes. */
  sink?: (chunk: Uint8Array) => Promise<void>;
}

export interface DownloadResult {
  digest: string;
  size: number;
  name: string;
  /** The file written (absent when streamed to a sink). */
  path?: string;
}

/**
 * `artifact download`: streams the blob while re-hashing it. To a file: written beside the destination under a
 * temporary name and renamed only when the digest matches, so a corrupt blob leaves no file behind.
 */
export async function downloadArtifact(deps: ServiceDeps, input: DownloadInput): Promise<DownloadResult> {
  const hex = parseDigest(input.digest);
  const name = await artifactName(deps, input.digest, hex);
  const blob = await deps.blobs.openRead(input.digest);
  const onProgress = progress(deps, `download ${name}`, blob.size);
  return withFsckAdvice(deps.blobs, "nothing was kept; ", async () => {
    if (input.sink) {
      const size = await copyVerified(input.digest, blob.chunks, input.sink, onProgress);
      return { digest: input.digest, size, name };
    }
    const { path, size } = await writeVerifiedFile(deps.config.cwd, input.output, name, input.digest, blob.chunks, onProgress);
    return { digest: input.digest, size, name, path };
  });
}

/**
 * Authorizes a download and names it: only a digest a CAS mapping grants this organization (within the scope) is
 * downloadable. Its name is the one recorded when the bytes arrived through such a mapping (base name only, so a
 * stored name can never point outside the directory), else the hex digest.
 */
export async function artifactName(deps: ServiceDeps, digest: string, hex = parseDigest(digest), scope?: Scope): Promise<string> {
  const orgId = await currentOrgId(deps);
  if (orgId === undefined || !await deps.casMappings.holds(orgId, digest, scope)) throw notDownloadable(deps, digest, scope);
  const recorded = await deps.casMappings.nameFor(orgId, digest, scope);
  const base = recorded ? basename(recorded) : "";
  return base === "" || base === "." || base === ".." ? hex : base;
}

/**
 * The one refusal for a digest the caller may not download, whatever the reason: absent, another organization's,
 * outside the scope, or recorded by digest only. It depends on the caller alone, never on whether the digest exists.
 */
export function notDownloadable(deps: ServiceDeps, digest: string, scope?: Scope): CairnError {
  return new CairnError("NOT_FOUND", `no artifact ${digest} in organization ${deps.config.organization}${scope ? " within this token's scope" : ""}`, {
    hint: "only uploads and materials stored in the CAS are downloadable (strings, skipUpload materials and container images are recorded by digest only): store one with `cairn artifact upload FILE`; find digests with `cairn discover` or `cairn workflow run describe`",
  });
}

function progress(deps: ServiceDeps, label: string, total: number): ((n: number) => void) | undefined {
  const bar = deps.reporter.progress;
  return total > PROGRESS_THRESHOLD && bar ? (n) => bar(label, n, total) : undefined;
}
