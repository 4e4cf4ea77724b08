import type { S3Client } from "bun";
import { mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { CairnError } from "../../errors.ts";
import type { S3Settings } from "../cas-backend-port.ts";
import { hashFile, parseDigest } from "../cas/digest.ts";
import { limited } from "../cas/limited.ts";
import { writerName } from "../cas/writer.ts";
import type { BlobRef, BlobStore, BlobStream, IngestOptions, StreamIngestOptions } from "../ports.ts";
import { s3Code, s3Failure } from "./s3-errors.ts";
import { fileChunks, stage } from "./staging.ts";
import { uploadVerified } from "./upload.ts";

export interface S3BlobStoreOptions {
  settings: S3Settings;
  /** Made on first use: a command that never touches blobs never reads the credentials. */
  makeClient: () => S3Client;
  /** Where a stream whose digest is known only at its end is staged (the home's cas/tmp, which `store gc` sweeps). */
  stagingDir: string;
  /** For messages: the backend name and location. */
  label: string;
  /** Multipart part size (S3's minimum, 5 MiB, by default). */
  partSize?: number;
}

/**
 * CAS blobs in an S3 bucket at `PREFIX/sha256/<hex>`. Uploads are multipart, streamed and hashed on the way to a key
 * named by a digest known beforehand (a file is hashed first; a stream is staged on local disk); when the bytes sent
 * do not hash to it, the upload is aborted before it completes, so a key only ever holds its digest's bytes.
 */
export class S3BlobStore implements BlobStore {
  private cached?: S3Client;

  constructor(private readonly opts: S3BlobStoreOptions) {}

  /** For messages (and `store fsck --remote`, which names the backend holding a blob). */
  get label(): string {
    return this.opts.label;
  }

  private client(): S3Client {
    return (this.cached ??= this.opts.makeClient());
  }

  keyFor(digest: string): string {
    const { prefix } = this.opts.settings;
    return `${prefix === "" ? "" : `${prefix}/`}sha256/${parseDigest(digest)}`;
  }

  /** Two passes over the local file: the digest first (nothing is sent when the bucket has it), then the upload. */
  async ingestFile(path: string, opts: IngestOptions = {}): Promise<BlobRef> {
    const { digest, size } = await hashFile(path);
    if (!(await this.has(digest))) await this.upload(fileChunks(path), digest, opts, `${path} changed while it was uploaded`);
    else opts.onProgress?.(size);
    return { digest, size };
  }

  async putBytes(bytes: Uint8Array, opts: IngestOptions = {}): Promise<BlobRef> {
    const digest = `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
    if (!(await this.has(digest))) await this.upload([bytes], digest, opts, "the bytes changed while they were uploaded");
    return { digest, size: bytes.length };
  }

  /** Staged (hashed while written) under stagingDir, then uploaded from there; over maxBytes nothing is sent. */
  async ingestStream(chunks: AsyncIterable<Uint8Array>, opts: StreamIngestOptions = {}): Promise<BlobRef> {
    mkdirSync(this.opts.stagingDir, { recursive: true });
    const tmp = join(this.opts.stagingDir, writerName()); // names its writer: cas/tmp sweeps remove it once that is dead
    try {
      const ref = await stage(opts.maxBytes === undefined ? chunks : limited(chunks, opts.maxBytes), tmp, opts);
      if (!(await this.has(ref.digest))) await this.upload(fileChunks(tmp), ref.digest, {}, `the staged copy ${tmp} changed while it was uploaded`);
      return ref;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /**
   * Uploads `bytes` even when the bucket has them, then reads them back verified: proves write and read access (`cas-backend
   * add s3`). The object is an ordinary CAS blob, the same every time, so re-checking writes nothing new.
   */
  async roundTrip(bytes: Uint8Array): Promise<BlobRef> {
    const digest = `sha256:${new Bun.CryptoHasher("sha256").update(bytes).digest("hex")}`;
    await this.upload([bytes], digest, {}, "the check bytes changed while they were uploaded");
    await this.read(digest);
    return { digest, size: bytes.length };
  }

  async has(digest: string): Promise<boolean> {
    const key = this.keyFor(digest);
    try {
      return await this.client().exists(key);
    } catch (e) {
      throw await this.headFailure(e, key);
    }
  }

  /** As OciBlobStore.hasBlob (`store fsck --remote`): an S3 key has no tag apart from its object, so it is has(). */
  hasBlob(digest: string): Promise<boolean> {
    return this.has(digest);
  }

  /** Streamed and re-hashed: what the bucket served must hash to the digest (INTEGRITY otherwise). */
  async read(digest: string): Promise<Uint8Array> {
    const { size, chunks } = await this.openRead(digest);
    const out = new Uint8Array(size);
    const hasher = new Bun.CryptoHasher("sha256");
    let n = 0;
    for await (const c of chunks) {
      if (n + c.length > size) throw this.corrupt(digest, `more than the ${size} bytes announced`);
      out.set(c, n);
      hasher.update(c);
      n += c.length;
    }
    const actual = `sha256:${hasher.digest("hex")}`;
    if (n !== size || actual !== digest) throw this.corrupt(digest, `${n} bytes hashing to ${actual}`);
    return out;
  }

  /** Not verified (the port's contract): the consumer hashes what it reads. */
  async openRead(digest: string): Promise<BlobStream> {
    const key = this.keyFor(digest);
    const file = this.client().file(key);
    let size: number;
    try {
      size = (await file.stat()).size;
    } catch (e) {
      if (s3Code(e) === "NoSuchKey") {
        throw new CairnError("NOT_FOUND", `blob ${digest} is not in CAS backend ${this.label}`, { hint: "push it again, or check the bucket kept it", cause: e });
      }
      throw await this.headFailure(e, key);
    }
    const settings = this.opts.settings;
    return {
      size,
      chunks: (async function* () {
        try {
          for await (const c of file.stream()) yield c;
        } catch (e) {
          throw s3Failure(e, settings, `GET ${key}`);
        }
      })(),
    };
  }

  private upload(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, digest: string, opts: IngestOptions, changed: string): Promise<void> {
    const key = this.keyFor(digest);
    return uploadVerified({ client: this.client(), key, chunks, digest, partSize: this.opts.partSize, onProgress: opts.onProgress, changed, fail: (e) => s3Failure(e, this.opts.settings, `PUT ${key}`) });
  }

  /**
   * A HEAD answer has no body, so Bun reports a refused one (403) as UnknownError: a one-byte GET of the same key gets
   * the server's error code (SignatureDoesNotMatch, NoSuchBucket, …) for the message.
   */
  private async headFailure(e: unknown, key: string): Promise<CairnError> {
    if (s3Code(e) === "UnknownError") {
      try {
        await this.client().file(key).slice(0, 1).arrayBuffer();
      } catch (g) {
        if (s3Code(g) !== "UnknownError") return s3Failure(g, this.opts.settings, `HEAD ${key}`);
      }
    }
    return s3Failure(e, this.opts.settings, `HEAD ${key}`);
  }

  private corrupt(digest: string, what: string): CairnError {
    return new CairnError("INTEGRITY", `blob ${digest} in CAS backend ${this.label} is corrupt: the bucket served ${what}`, {
      hint: "the object was changed in the bucket; push the evidence again from a good copy",
    });
  }
}
