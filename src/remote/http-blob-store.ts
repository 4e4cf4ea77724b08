import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { CairnError } from "../errors.ts";
import type { BlobRef, BlobStore, BlobStream, IngestOptions, StreamIngestOptions } from "../store/ports.ts";
import type { RemoteClient } from "./http-client.ts";

/**
 * The control plane's CAS as a BlobStore (remote `attestation add`): uploads stream to POST /api/v1/blobs and are
 * hashed here on the way, so the digest recorded is the one this machine computed, checked against the server's.
 * Reads go through GET /api/v1/blobs/{digest}, which answers only for blobs a CAS mapping lets the token read.
 */
export class HttpBlobStore implements BlobStore {
  /** Files already uploaded by this process: a retried `add` (optimistic locking) does not send them twice. */
  private readonly sent = new Map<string, BlobRef>();

  constructor(private readonly client: RemoteClient) {}

  async ingestFile(path: string, opts: IngestOptions = {}): Promise<BlobRef> {
    const st = await stat(path);
    const key = `${path}\0${st.size}\0${st.mtimeMs}`;
    const known = this.sent.get(key);
    if (known) return known;
    const ref = await this.upload(Bun.file(path).stream(), { ...opts, name: opts.name ?? basename(path) });
    this.sent.set(key, ref);
    return ref;
  }

  putBytes(bytes: Uint8Array, opts: IngestOptions = {}): Promise<BlobRef> {
    return this.upload([bytes], opts);
  }

  ingestStream(chunks: AsyncIterable<Uint8Array>, opts: StreamIngestOptions = {}): Promise<BlobRef> {
    return this.upload(chunks, opts);
  }

  private async upload(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: StreamIngestOptions): Promise<BlobRef> {
    const name = opts.name;
    const hash = createHash("sha256");
    let size = 0;
    let refused: CairnError | undefined;
    const it = each(chunks);
    // pull: one chunk at a time as the connection takes them, so a large file is never held in memory
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await it.next();
        if (done) return controller.close();
        size += value.length;
        if (opts.maxBytes !== undefined && size > opts.maxBytes) {
          refused = new CairnError("TOO_LARGE", `the blob is larger than the limit of ${opts.maxBytes} bytes`, { details: { maxBytes: opts.maxBytes } });
          return controller.error(refused);
        }
        hash.update(value);
        controller.enqueue(new Uint8Array(value)); // a copy: file readers may reuse their buffers
        opts.onProgress?.(size);
      },
      async cancel() {
        await it.return(undefined);
      },
    });
    let ref: BlobRef;
    try {
      ref = await this.client.json<BlobRef>("POST", "/api/v1/blobs", { raw: body, query: { name }, headers: { "Content-Type": "application/octet-stream" } });
    } catch (e) {
      throw refused ?? e;
    }
    const digest = `sha256:${hash.digest("hex")}`;
    if (ref.digest !== digest || ref.size !== size) {
      throw new CairnError("INTEGRITY", `the control plane stored ${ref.digest} (${ref.size} bytes) for content that is ${digest} (${size} bytes)`, {
        hint: "the upload was altered on the way; check the connection to --control-plane and retry",
      });
    }
    return { digest, size };
  }

  async has(digest: string): Promise<boolean> {
    try {
      const res = await this.client.send("GET", `/api/v1/blobs/${digest}`);
      await res.body?.cancel();
      return true;
    } catch (e) {
      if (e instanceof CairnError && e.code === "NOT_FOUND") return false;
      throw e;
    }
  }

  async read(digest: string): Promise<Uint8Array> {
    const bytes = new Uint8Array(await (await this.client.send("GET", `/api/v1/blobs/${digest}`)).arrayBuffer());
    const actual = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    if (actual !== digest) throw new CairnError("INTEGRITY", `blob ${digest} from the control plane hashes to ${actual}`, { hint: "the operator should run `cairn store fsck`" });
    return bytes;
  }

  async openRead(digest: string): Promise<BlobStream> {
    const res = await this.client.send("GET", `/api/v1/blobs/${digest}`);
    const body = res.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    return { size: Number(res.headers.get("content-length") ?? 0), chunks: body };
  }
}

async function* each(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) yield c;
}
