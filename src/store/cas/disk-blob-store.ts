import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, utimesSync } from "node:fs";
import { open, rename, rm, stat, utimes, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { CairnError } from "../../errors.ts";
import type { BlobRef, BlobStore, BlobStream, IngestOptions, StreamIngestOptions } from "../ports.ts";
import { fsyncDir, fsyncDirSync, parseDigest, writeSyncedTemp } from "./digest.ts";
import { limited } from "./limited.ts";
import type { IngestGuard } from "../cas-lease-port.ts";
import { sweepTmp } from "./leftovers.ts";
import { writerName } from "./writer.ts";

/**
 * sha256-addressed blobs under `<root>/sha256/<ab>/<hex>`. Every write goes to `<root>/tmp`, is hashed while
 * it is written, fsynced, and renamed into place: a blob path only ever holds complete, correct bytes.
 */
export class DiskBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private readonly guard?: IngestGuard;
  private swept?: Promise<unknown>;

  /** `guard`: the store's ingest leases, taken before a blob is linked in (gc's side of it: services/control/gc.ts). */
  constructor(private readonly root: string, opts: { guard?: IngestGuard } = {}) {
    this.tmpDir = join(root, "tmp");
    this.guard = opts.guard;
  }

  /**
   * Before this process's first write: what writers that provably died (killed adds, imports, servers) left in
   * tmp is removed; another host's or an older cairn's leftovers wait for `store gc`.
   */
  private async prepareTmp(): Promise<void> {
    mkdirSync(this.tmpDir, { recursive: true }); // created on first write: dry-runs leave no CAS behind
    await (this.swept ??= sweepTmp(this.root).catch(() => {}));
  }

  pathFor(digest: string): string {
    const hex = parseDigest(digest);
    return join(this.root, "sha256", hex.slice(0, 2), hex);
  }

  async ingestFile(path: string, opts: IngestOptions = {}): Promise<BlobRef> {
    const small = readSmallFile(path);
    if (small) {
      const ref = await this.storeSmall(small);
      opts.onProgress?.(ref.size);
      return ref;
    }
    const src = await open(path, "r");
    try {
      return await this.ingest(readChunks(src), opts);
    } finally {
      await src.close();
    }
  }

  /** fsync the caller's file, then rename it into place: the blob path still only ever holds complete bytes. */
  async adoptFile(path: string, digest: string): Promise<BlobRef> {
    const dest = this.pathFor(digest);
    await this.guard?.hold(digest);
    const fh = await open(path, "r+");
    let size: number;
    try {
      size = (await fh.stat()).size;
      if (!(await exists(dest))) await fh.sync();
    } finally {
      await fh.close();
    }
    if (await exists(dest)) {
      await rm(path, { force: true });
      return { digest, size };
    }
    const dir = join(dest, "..");
    mkdirSync(dir, { recursive: true });
    await rename(path, dest);
    await fsyncDir(dir);
    return { digest, size };
  }

  async putBytes(bytes: Uint8Array): Promise<BlobRef> {
    return bytes.length <= SMALL_BLOB ? this.storeSmall(bytes) : this.ingest([bytes], {});
  }

  /**
   * A small blob in one synchronous pass (no I/O-pool round trips). Hashed before anything is written: a blob already
   * stored is only made fresh again (gc's grace period), with no tmp copy written and fsynced for nothing; a new one
   * goes through tmp, fsync and rename like every write.
   */
  private async storeSmall(bytes: Uint8Array): Promise<BlobRef> {
    const digest = `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
    const dest = this.pathFor(digest);
    await this.guard?.hold(digest); // before looking, as ingest() does: gc either sees the lease or has already unlinked it
    if (existsSync(dest)) {
      const now = new Date();
      utimesSync(dest, now, now);
      return { digest, size: bytes.length };
    }
    await this.prepareTmp();
    const tmp = join(this.tmpDir, writerName());
    writeSyncedTemp(tmp, bytes);
    const dir = join(dest, "..");
    mkdirSync(dir, { recursive: true });
    renameSync(tmp, dest);
    fsyncDirSync(dir);
    return { digest, size: bytes.length };
  }

  /** The limit is checked per chunk, before it is written: an oversized upload stops early and leaves no tmp file. */
  async ingestStream(chunks: AsyncIterable<Uint8Array>, opts: StreamIngestOptions = {}): Promise<BlobRef> {
    const max = opts.maxBytes;
    if (max === undefined) return this.ingest(chunks, opts);
    return this.ingest(limited(chunks, max), opts);
  }

  /** One pass: each chunk is hashed on this thread while the previous chunk's write runs in the I/O pool. */
  private async ingest(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: IngestOptions): Promise<BlobRef> {
    await this.prepareTmp();
    const tmp = join(this.tmpDir, writerName()); // names its writer: once it is dead, anyone may remove the file
    const fh = await open(tmp, "wx", 0o644);
    const hash = new Bun.CryptoHasher("sha256");
    let size = 0;
    try {
      let inFlight: Promise<unknown> = Promise.resolve();
      // Writeback started every SYNC_EVERY bytes runs in the I/O pool while later chunks are hashed, so the final
      // fsync has little left to flush (a 1 GiB file otherwise waits for all of it at the end).
      let flushing: Promise<unknown> = Promise.resolve();
      let unflushed = 0;
      for await (const chunk of chunks) {
        hash.update(chunk);
        await inFlight;
        inFlight = fh.write(chunk);
        size += chunk.length;
        unflushed += chunk.length;
        if (unflushed >= SYNC_EVERY) {
          await flushing;
          const written = inFlight;
          flushing = written.then(() => fh.datasync());
          unflushed = 0;
        }
        opts.onProgress?.(size);
      }
      await inFlight;
      await flushing;
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    const digest = `sha256:${hash.digest("hex")}`;
    const dest = this.pathFor(digest);
    await this.guard?.hold(digest); // before looking: gc either sees the lease or has already unlinked what we look for
    if (await exists(dest)) {
      await rm(tmp, { force: true }); // already stored (content-addressed: same bytes)
      const now = new Date();
      await utimes(dest, now, now); // a re-added blob is fresh again, so gc's grace period protects it
    } else {
      const dir = join(dest, "..");
      mkdirSync(dir, { recursive: true });
      await rename(tmp, dest);
      await fsyncDir(dir);
    }
    return { digest, size };
  }

  async has(digest: string): Promise<boolean> {
    return exists(this.pathFor(digest));
  }

  async read(digest: string): Promise<Uint8Array> {
    const path = this.pathFor(digest);
    const file = Bun.file(path);
    if (!(await file.exists())) throw new CairnError("NOT_FOUND", `blob ${digest} is not in the store`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const actual = `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
    if (actual !== digest) {
      throw new CairnError("INTEGRITY", `blob ${digest} is corrupt: its content hashes to ${actual}`, {
        hint: "run `cairn store fsck` to find every damaged blob",
      });
    }
    return bytes;
  }

  /** The file is opened when iteration starts and closed when it ends (or is abandoned), so nothing leaks. */
  async openRead(digest: string): Promise<BlobStream> {
    const path = this.pathFor(digest);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new CairnError("NOT_FOUND", `blob ${digest} is not in the store`, { hint: "run `cairn store fsck` to list missing blobs" });
    }
    return { size, chunks: streamFile(path) };
  }
}


/** Blobs up to this size are stored by storeSmall: read whole, hashed, then written only when new. */
const SMALL_BLOB = 1024 * 1024;

/** A regular file of at most SMALL_BLOB bytes, read whole; undefined for anything larger (or not a regular file). */
function readSmallFile(path: string): Uint8Array | undefined {
  const fd = openSync(path, "r");
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > SMALL_BLOB) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < st.size) {
      const r = readSync(fd, buf, n, st.size - n, n);
      if (r === 0) break; // truncated while being read: the bytes read are the blob, as a stream read would give
      n += r;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Bytes written between early writeback kicks (see ingest). */
const SYNC_EVERY = 64 * 1024 * 1024;

const READ_CHUNK = 1024 * 1024;

/** Two buffers in turn (see BlobStream.chunks): a read allocates 2 MiB however large the blob. */
async function* streamFile(path: string): AsyncGenerator<Uint8Array> {
  const fh = await open(path, "r");
  const bufs = [Buffer.allocUnsafe(READ_CHUNK), Buffer.allocUnsafe(READ_CHUNK)];
  try {
    for (let i = 0; ; i ^= 1) {
      const { bytesRead } = await fh.read(bufs[i]!, 0, READ_CHUNK, null);
      if (bytesRead === 0) return;
      yield bufs[i]!.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Reads a file in 4 MiB chunks over three buffers, the next read already running while the consumer hashes the
 * current chunk: the consumer must finish with a chunk before asking for the chunk after next (ingest awaits the
 * previous chunk's write before starting the current one's).
 */
async function* readChunks(src: FileHandle): AsyncGenerator<Uint8Array> {
  const bufs = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let pos = 0;
  const readInto = (i: number) => {
    const p = src.read(bufs[i]!, 0, CHUNK, pos).then(({ bytesRead }) => ((pos += bytesRead), bytesRead));
    p.catch(() => {}); // a prefetch the consumer never asks for (it stopped early) must not be an unhandled rejection
    return p;
  };
  let next = readInto(0);
  for (let i = 0; ; i = (i + 1) % 3) {
    const bytesRead = await next;
    if (bytesRead === 0) return;
    next = readInto((i + 1) % 3);
    yield bufs[i]!.subarray(0, bytesRead);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
