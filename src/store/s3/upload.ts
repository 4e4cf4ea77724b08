import type { S3Client } from "bun";
import { CairnError } from "../../errors.ts";

export interface VerifiedUpload {
  client: S3Client;
  key: string;
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** What the bytes must hash to; the key is named by it. */
  digest: string;
  partSize?: number;
  onProgress?: (sent: number) => void;
  /** The INTEGRITY message's start when the bytes do not hash to `digest` (e.g. "app.bin changed while …"). */
  changed: string;
  /** Maps a client failure (the caller names the backend). */
  fail: (e: unknown) => Error;
}

const PART = 5 * 1024 * 1024; // S3's minimum part size
const QUEUE = 4;

/**
 * Multipart upload of a pull stream (Bun's client asks for the next chunk when a part slot is free: bounded memory),
 * hashed on the way. The stream ends only when the bytes hashed to `digest`; else it errors, which aborts the upload
 * before it completes (Bun's writer().end(error) would complete it instead), and INTEGRITY is thrown. So a key only
 * ever holds the bytes of the digest that names it.
 */
export async function uploadVerified(u: VerifiedUpload): Promise<void> {
  const hasher = new Bun.CryptoHasher("sha256");
  const src = u.chunks;
  const it: AsyncIterator<Uint8Array> | Iterator<Uint8Array> = Symbol.asyncIterator in src ? src[Symbol.asyncIterator]() : src[Symbol.iterator]();
  let n = 0;
  let mismatch: CairnError | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const r = await it.next();
      if (!r.done) {
        hasher.update(r.value);
        n += r.value.length;
        u.onProgress?.(n);
        return ctrl.enqueue(r.value);
      }
      const actual = `sha256:${hasher.digest("hex")}`;
      if (actual === u.digest) return ctrl.close();
      mismatch = new CairnError("INTEGRITY", `${u.changed}: it hashed to ${u.digest}, the upload to ${actual}; the upload was aborted`, {
        hint: "add it again once nothing writes to it",
      });
      ctrl.error(mismatch);
    },
    async cancel() {
      await it.return?.();
    },
  });
  try {
    await u.client.write(u.key, new Response(body), { partSize: u.partSize ?? PART, queueSize: QUEUE, retry: 3, type: "application/octet-stream" });
  } catch (e) {
    throw mismatch ?? u.fail(e);
  }
}
