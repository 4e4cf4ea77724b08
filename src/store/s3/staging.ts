import { open, rm } from "node:fs/promises";
import type { BlobRef, IngestOptions } from "../ports.ts";

/**
 * Writes a stream to `path` while hashing it: the digest of a stream (an HTTP upload) is known only at its end, and an
 * S3 key is named by it, so the bytes wait on local disk. On failure the file is removed. No fsync: the copy is
 * uploaded and deleted at once, and the upload re-hashes it.
 */
export async function stage(chunks: AsyncIterable<Uint8Array>, path: string, opts: IngestOptions = {}): Promise<BlobRef> {
  const fh = await open(path, "wx", 0o600);
  const hasher = new Bun.CryptoHasher("sha256");
  let size = 0;
  try {
    for await (const c of chunks) {
      hasher.update(c);
      await fh.write(c);
      size += c.length;
      opts.onProgress?.(size);
    }
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(path, { force: true });
    throw e;
  }
  await fh.close();
  return { digest: `sha256:${hasher.digest("hex")}`, size };
}

/** A local file's bytes, streamed; every chunk is a fresh buffer (the S3 writer may hold it until its part is sent). */
export function fileChunks(path: string): AsyncIterable<Uint8Array> {
  return Bun.file(path).stream() as unknown as AsyncIterable<Uint8Array>;
}
