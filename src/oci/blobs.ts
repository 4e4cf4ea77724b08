/** Reading blobs: streamed (redirects followed by http.ts, auth dropped cross-origin) or whole and digest-checked. */
import { CairnError } from "../errors.ts";
import type { RegistryHttp } from "./http.ts";
import { sha256Digest } from "./manifests.ts";

export async function openBlob(
  http: RegistryHttp, repository: string, digest: string,
): Promise<{ size: number; chunks: AsyncIterable<Uint8Array> }> {
  const res = await http.send({ method: "GET", url: `/v2/${repository}/blobs/${digest}`, repository, what: `blob ${digest}`, ok: [200] });
  const size = Number(res.headers.get("content-length") ?? "-1");
  const body = res.body;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (!body) return;
    for await (const c of body) yield c;
  }
  return { size, chunks: chunks() };
}

export async function readBlob(http: RegistryHttp, repository: string, digest: string): Promise<Uint8Array> {
  const res = await http.send({ method: "GET", url: `/v2/${repository}/blobs/${digest}`, repository, what: `blob ${digest}`, ok: [200] });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const got = sha256Digest(bytes);
  if (got !== digest) {
    throw new CairnError("INTEGRITY", `registry ${http.opts.registry}, repository ${repository}: blob ${digest} hashes to ${got}`, {
      hint: "the registry (or something between) served altered bytes; do not use them. `cairn store fsck --remote --deep` finds every damaged blob a CAS backend holds",
      details: { expected: digest, actual: got },
    });
  }
  return bytes;
}
