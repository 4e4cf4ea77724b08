// Writes a tar with tar-stream to a temp file beside the target, then fsync + rename: the target is either absent
// or a complete export. Entries stream through with backpressure, so memory stays flat whatever the blob sizes.
import { createHash } from "node:crypto";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import tar, { type Pack } from "tar-stream";
import { CairnError } from "../../errors.ts";
import { fsyncDir } from "../../store/cas/digest.ts";
import type { ManifestEntry } from "./layout.ts";

// A fixed mtime keeps exports of the same selection byte-identical.
const MTIME = new Date(0);

export class TarWriter {
  private readonly pack: Pack = tar.pack();
  private readonly drained: Promise<void>;
  private readonly tmp: string;
  private constructor(private readonly target: string, private readonly fh: FileHandle, tmp: string) {
    this.tmp = tmp;
    this.drained = this.drain();
    this.drained.catch(() => {}); // surfaced by finish()/entry writes; never an unhandled rejection
  }

  static async create(target: string): Promise<TarWriter> {
    const tmp = join(dirname(target), `.${basename(target)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
    const fh = await open(tmp, "wx", 0o644).catch((e: NodeJS.ErrnoException) => {
      throw new CairnError(e.code === "ENOENT" ? "NOT_FOUND" : "IO", `-o ${target}: cannot create the file there (${e.code ?? e.message})`, {
        hint: "write to an existing, writable directory",
        cause: e,
      });
    });
    return new TarWriter(target, fh, tmp);
  }

  /** The pack's output goes to the file as it is produced. */
  private async drain(): Promise<void> {
    for await (const chunk of this.pack as AsyncIterable<Uint8Array>) await this.fh.write(chunk);
  }

  async addBytes(name: string, bytes: Uint8Array): Promise<ManifestEntry> {
    await new Promise<void>((resolve, reject) => {
      this.pack.entry({ name, size: bytes.length, mtime: MTIME, mode: 0o644 }, bytes, (err) => (err ? reject(err) : resolve()));
    });
    return { name, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, size: bytes.length };
  }

  /** Streams `size` bytes in; the digest is of what was written (the caller compares it with what it expects). */
  async addStream(name: string, size: number, chunks: AsyncIterable<Uint8Array>): Promise<ManifestEntry> {
    const hash = createHash("sha256");
    let resolveDone!: () => void, rejectDone!: (e: Error) => void;
    const done = new Promise<void>((res, rej) => ((resolveDone = res), (rejectDone = rej)));
    const sink = this.pack.entry({ name, size, mtime: MTIME, mode: 0o644 }, (err) => void (err ? rejectDone(err) : resolveDone()));
    let written = 0;
    for await (const chunk of chunks) {
      hash.update(chunk);
      written += chunk.length;
      // The source reuses its buffers (BlobStream), and the sink may hold a chunk until the file write: copy it.
      if (!sink.write(Buffer.from(chunk))) await new Promise<void>((r) => sink.once("drain", () => r()));
    }
    if (written !== size) throw new Error(`${name}: ${written} bytes read, ${size} expected`);
    sink.end(undefined); // streamx types want the (optional) last chunk
    await done;
    return { name, digest: `sha256:${hash.digest("hex")}`, size };
  }

  async finish(): Promise<void> {
    this.pack.finalize();
    await this.drained;
    await this.fh.sync();
    await this.fh.close();
    await rename(this.tmp, this.target);
    await fsyncDir(dirname(this.target));
  }

  /** Leaves nothing behind: the temp file is removed and the target untouched. */
  async abort(): Promise<void> {
    this.pack.destroy();
    await this.drained.catch(() => {});
    await this.fh.close().catch(() => {});
    await rm(this.tmp, { force: true });
  }
}
