import { CairnError } from "../../errors.ts";

/**
 * Passes chunks through until more than `max` bytes arrived, then throws TOO_LARGE: every BlobStore adapter refuses an
 * oversized stream the same way, before its final write (the disk CAS removes its tmp file, a registry upload is never
 * committed).
 */
export async function* limited(chunks: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > max) {
      throw new CairnError("TOO_LARGE", `the blob is larger than the limit of ${max} bytes`, {
        hint: "upload a smaller file, or ask the operator to raise the limit (`cairn serve --max-blob`, or the organization's max_blob_bytes)",
        details: { maxBytes: max },
      });
    }
    yield chunk;
  }
}
