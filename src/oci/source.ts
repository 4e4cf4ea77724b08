import { sha256Digest } from "./manifests.ts";
import type { BlobSource } from "./types.ts";

/** Bytes already in memory as the one chunk of a BlobSource. */
export async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** A BlobSource over bytes in memory, digest and size known up front (the client's exists check, monolithic PUT). */
export function bytesSource(bytes: Uint8Array): BlobSource {
  return { digest: sha256Digest(bytes), size: bytes.length, chunks: oneChunk(bytes) };
}
