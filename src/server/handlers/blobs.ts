import { createHash } from "node:crypto";
import { FSCK_REMOTE } from "../../store/fsck-advice.ts";
import { CairnError } from "../../errors.ts";
import { openArtifact, uploadStream } from "../../services/control/artifacts.ts";
import type { RequestContext } from "../context.ts";
import { json, stringParam, verifiedStream } from "../http.ts";
import type { Route } from "../router.ts";

/** The CAS over HTTP: POST /api/v1/blobs streams in, GET /api/v1/blobs/{digest} streams out. Never buffered whole. */

/** `Digest` (RFC 3230, base64 sha-256) and a strong ETag: the content address itself. */
export function digestHeaders(digest: string): Record<string, string> {
  const hex = digest.slice("sha256:".length);
  return { Digest: `sha-256=${Buffer.from(hex, "hex").toString("base64")}`, ETag: `"${digest}"` };
}

async function* noChunks(): AsyncGenerator<Uint8Array> {}

async function upload(c: RequestContext): Promise<Response> {
  const maxBytes = await c.deps.orgs.maxBlobBytes(c.principal.orgId) ?? c.limits.maxBlobBytes;
  const declared = Number(c.req.headers.get("content-length") ?? "");
  const ref = await uploadStream(c.deps, {
    chunks: c.req.body ?? noChunks(),
    name: stringParam(c.url.searchParams, "name"),
    maxBytes,
    declaredSize: Number.isFinite(declared) ? declared : undefined,
    scope: c.scope,
  });
  return json(201, ref, digestHeaders(ref.digest));
}

/**
 * A local CAS file is hashed first (storage is not trusted: a damaged blob is a 500 INTEGRITY error before any byte
 * is sent) and then sent by Bun from the file, with its Content-Length. Bun drops a handler's Content-Length on
 * ReadableStream bodies (oven-sh/bun#10507), so a store without local paths streams chunked, verified on the way.
 */
async function download(c: RequestContext): Promise<Response> {
  const digest = c.params.digest!;
  const blob = await openArtifact(c.deps, { digest, scope: c.scope });
  const headers = {
    "Content-Type": "application/octet-stream",
    "Content-Disposition": `attachment; filename="${blob.name.replace(/[^\x20-\x7e]|["\\]/g, "_")}"`,
    ...digestHeaders(digest),
  };
  const path = c.deps.blobs.pathFor?.(digest);
  if (path === undefined) return new Response(verifiedStream(digest, blob.chunks, FSCK_REMOTE), { status: 200, headers });
  await checkDigest(digest, blob.chunks);
  return new Response(Bun.file(path), { status: 200, headers });
}

async function checkDigest(digest: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  const hash = createHash("sha256");
  for await (const chunk of chunks) hash.update(chunk);
  const actual = `sha256:${hash.digest("hex")}`;
  if (actual !== digest) {
    throw new CairnError("INTEGRITY", `blob ${digest} is corrupt: its content hashes to ${actual}`, {
      hint: "the operator should run `cairn store fsck`",
    });
  }
}

export const blobRoutes: Route[] = [
  { method: "POST", path: "/api/v1/blobs", need: "attestor", action: "blob.upload", handler: upload },
  { method: "GET", path: "/api/v1/blobs/:digest", need: "viewer", action: "blob.download", handler: download },
];
