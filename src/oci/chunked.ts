/**
 * The body of an upload session: monolithic (one PUT) when the whole blob fits in one chunk, else PATCH chunks with
 * Content-Range, following each Location, and a PUT ?digest= carrying the last bytes. The digest is computed from the
 * bytes actually sent; a mismatch with the caller's digest cancels the session before the PUT: nothing is committed.
 */
import { CairnError } from "../errors.ts";
import { scopeFor, type RegistryHttp } from "./http.ts";
import type { BlobSource } from "./types.ts";

const DEFAULT_CHUNK = 16 * 1024 * 1024;

/** Appends `digest=` to an upload Location that may already carry a query (distribution's `?_state=`). */
export function withDigest(location: string, digest: string): string {
  return `${location}${location.includes("?") ? "&" : "?"}digest=${encodeURIComponent(digest)}`;
}

export function locationOf(http: RegistryHttp, res: Response, repository: string): string {
  const loc = res.headers.get("location");
  if (!loc) {
    throw new CairnError("NETWORK", `registry ${http.opts.registry}, repository ${repository}: upload answer ${res.status} has no Location`, {
      hint: "the registry does not follow the distribution spec for uploads",
    });
  }
  return http.resolve(loc);
}

/**
 * Fills fixed-size buffers from arbitrary source chunks, hashing every byte once. Two buffers alternate (fresh
 * allocations cost page faults, measured): the one yielded before the last stays untouched until the caller asks for
 * the next chunk, and sendChunks asks only once that buffer's PATCH has completed.
 */
async function* rechunk(src: AsyncIterable<Uint8Array>, size: number, hasher: Bun.CryptoHasher): AsyncGenerator<{ bytes: Uint8Array; last: boolean }> {
  const pool = [new Uint8Array(size)];
  let turn = 0;
  let buf = pool[0] as Uint8Array;
  let fill = 0;
  for await (const piece of src) {
    hasher.update(piece);
    let off = 0;
    while (off < piece.length) {
      const n = Math.min(size - fill, piece.length - off);
      buf.set(piece.subarray(off, off + n), fill);
      fill += n;
      off += n;
      if (fill === size) {
        yield { bytes: buf, last: false };
        turn ^= 1;
        buf = pool[turn] ??= new Uint8Array(size);
        fill = 0;
      }
    }
  }
  yield { bytes: buf.subarray(0, fill), last: true };
}

export async function sendChunks(
  http: RegistryHttp, repository: string, start: string, src: BlobSource, scopes: string[],
): Promise<{ digest: string; size: number }> {
  const hasher = new Bun.CryptoHasher("sha256");
  const it = rechunk(src.chunks, http.opts.chunkBytes ?? DEFAULT_CHUNK, hasher);
  let location = start;
  let offset = 0;
  // Fill (read + hash + copy) the next chunk while the current one is on the wire: this pipeline is what keeps us
  // close to a raw PUT. At most two chunk buffers are alive; a failed PATCH is resent from the kept buffer.
  let pending = it.next();
  try {
    for (;;) {
      const step = await pending;
      if (step.done) throw new Error("unreachable: rechunk always ends with a last chunk");
      const { bytes, last } = step.value;
      if (last) {
        const digest = `sha256:${hasher.digest("hex")}`;
        const size = offset + bytes.length;
        await checkDigest(http, repository, location, src, digest, size);
        const done = await http.send({
          method: "PUT", url: withDigest(location, digest), repository, what: `blob ${digest}`, scopes,
          headers: { "content-type": "application/octet-stream" }, body: bytes, ok: [201],
        });
        await done.body?.cancel();
        return { digest, size };
      }
      pending = it.next();
      pending.catch(() => undefined); // observed here, rethrown where awaited: no unhandled rejection if a send fails
      const res = await http.send({
        method: "PATCH", url: location, repository, what: `blob chunk at ${offset}`, scopes, body: bytes, ok: [202],
        headers: { "content-type": "application/octet-stream", "content-range": `${offset}-${offset + bytes.length - 1}` },
      });
      await res.body?.cancel();
      location = locationOf(http, res, repository);
      offset += bytes.length;
    }
  } finally {
    await it.return(undefined).catch(() => undefined); // releases the source after a failure; no-op when finished
  }
}

async function checkDigest(http: RegistryHttp, repository: string, location: string, src: BlobSource, digest: string, size: number): Promise<void> {
  const badDigest = src.digest !== undefined && src.digest !== digest;
  const badSize = src.size !== undefined && src.size !== size;
  if (!badDigest && !badSize) return;
  // Abandon the session so the registry keeps nothing; failure to cancel changes nothing for the caller.
  await http.send({ method: "DELETE", url: location, repository, what: "blob upload", scopes: [scopeFor(repository, "pull,push")], ok: [200, 202, 204, 404] })
    .then((r) => r.body?.cancel()).catch(() => undefined);
  throw new CairnError("INTEGRITY", `blob for ${http.opts.registry}/${repository} does not match: expected ${src.digest ?? "?"} (${src.size ?? "?"} bytes), read ${digest} (${size} bytes)`, {
    hint: "the source changed while it was read; nothing was committed, retry the push",
    details: { expected: src.digest, actual: digest, expectedSize: src.size, actualSize: size },
  });
}
