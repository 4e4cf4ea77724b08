import { CairnError, isCairnError } from "../../errors.ts";
import type { BlobRef, BlobStore, BlobStream, IngestOptions, StreamIngestOptions } from "../ports.ts";

/**
 * The CAS as seen with CAS backends configured: writes go to the default backend; has/read/openRead ask the default
 * first, then the others in order (the composition root puts the local disk CAS right after the default), so blobs
 * stored before a default change stay readable. A store that fails (registry down) does not hide a copy elsewhere;
 * its error is reported only when no store has the blob.
 */
export class ChainedBlobStore implements BlobStore {
  private readonly readers: BlobStore[];

  /** Every store of the chain, the default first (fsck --remote checks each backend's copies). */
  get members(): readonly BlobStore[] {
    return this.readers;
  }
  /** Only when the default is the local disk CAS (an import's staged file is moved in, not copied). */
  readonly adoptFile?: (path: string, digest: string) => Promise<BlobRef>;

  constructor(
    private readonly writer: BlobStore,
    others: BlobStore[],
  ) {
    this.readers = [writer, ...others.filter((s) => s !== writer)];
    if (writer.adoptFile) this.adoptFile = (path, digest) => writer.adoptFile!(path, digest);
  }

  ingestFile(path: string, opts?: IngestOptions): Promise<BlobRef> {
    return this.writer.ingestFile(path, opts);
  }

  putBytes(bytes: Uint8Array, opts?: IngestOptions): Promise<BlobRef> {
    return this.writer.putBytes(bytes, opts);
  }

  ingestStream(chunks: AsyncIterable<Uint8Array>, opts?: StreamIngestOptions): Promise<BlobRef> {
    return this.writer.ingestStream(chunks, opts);
  }

  async has(digest: string): Promise<boolean> {
    let failure: unknown;
    for (const store of this.readers) {
      try {
        if (await store.has(digest)) return true;
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== undefined) throw failure;
    return false;
  }

  /** A store whose copy is corrupt (INTEGRITY) is skipped too: a copy that matches the digest is the content. */
  read(digest: string): Promise<Uint8Array> {
    return this.first(digest, (s) => s.read(digest));
  }

  openRead(digest: string): Promise<BlobStream> {
    return this.first(digest, (s) => s.openRead(digest));
  }

  private async first<T>(digest: string, fn: (s: BlobStore) => Promise<T>): Promise<T> {
    let failure: unknown;
    for (const store of this.readers) {
      try {
        return await fn(store);
      } catch (e) {
        if (!isCairnError(e, "NOT_FOUND")) failure ??= e;
      }
    }
    throw failure ?? new CairnError("NOT_FOUND", `blob ${digest} is in no CAS backend (nor in the local store)`, {
      hint: "`cairn cas-backend list` shows where cairn looks; a blob pushed to a removed backend is readable again once a backend names that registry",
    });
  }
}
