/** Blob uploads: exists check, cross-repository mount, then the upload session (chunked.ts). */
import { scopeFor, type RegistryHttp } from "./http.ts";
import type { BlobSource } from "./types.ts";
import { locationOf, sendChunks } from "./chunked.ts";

/** The blob's size when the repository has it. */
export async function statBlob(http: RegistryHttp, repository: string, digest: string): Promise<number | undefined> {
  const res = await http.send({ method: "HEAD", url: `/v2/${repository}/blobs/${digest}`, repository, what: `blob ${digest}`, ok: [200, 404] });
  await res.body?.cancel();
  if (res.status !== 200) return undefined;
  return Number(res.headers.get("content-length") ?? "0");
}

export async function hasBlob(http: RegistryHttp, repository: string, digest: string): Promise<boolean> {
  return (await statBlob(http, repository, digest)) !== undefined;
}

export async function pushBlob(
  http: RegistryHttp,
  repository: string,
  src: BlobSource,
  opts: { mountFrom?: string } = {},
): Promise<{ digest: string; size: number }> {
  const push = [scopeFor(repository, "pull,push")];
  const existing = src.digest ? await statBlob(http, repository, src.digest) : undefined;
  if (src.digest && existing !== undefined) return { digest: src.digest, size: src.size ?? existing };
  let start = `/v2/${repository}/blobs/uploads/`;
  if (opts.mountFrom && src.digest) {
    start += `?mount=${encodeURIComponent(src.digest)}&from=${encodeURIComponent(opts.mountFrom)}`;
    push.push(scopeFor(opts.mountFrom, "pull"));
  }
  const what = `blob upload${src.digest ? ` ${src.digest}` : ""}`;
  const started = await http.send({ method: "POST", url: start, repository, what, scopes: push, ok: [201, 202] });
  await started.body?.cancel();
  if (started.status === 201 && src.digest) {
    return { digest: src.digest, size: src.size ?? (await statBlob(http, repository, src.digest)) ?? 0 };
  }
  const location = locationOf(http, started, repository);
  return sendChunks(http, repository, location, src, push);
}
