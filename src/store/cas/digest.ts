import { closeSync, fsyncSync, openSync, rmSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { CairnError } from "../../errors.ts";

const DIGEST_RE = /^sha256:([0-9a-f]{64})$/;

/** Returns the hex part of a "sha256:<64 hex>" digest; anything else (paths, other algorithms) is refused. */
export function parseDigest(digest: string): string {
  const m = DIGEST_RE.exec(digest);
  if (!m) {
    throw new CairnError("USAGE", `invalid digest ${JSON.stringify(digest)}`, {
      hint: "digests are written sha256:<64 lowercase hex characters>",
    });
  }
  return m[1]!;
}

/** fsync a directory so a rename into it survives a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsyncDir for synchronous writers. */
export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates `tmp` (it must not exist), writes all of `bytes` and fsyncs it; on failure nothing is left behind. */
export function writeSyncedTemp(tmp: string, bytes: Uint8Array, mode = 0o644): void {
  const fd = openSync(tmp, "wx", mode);
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
}

const HASH_CHUNK = 1024 * 1024;

/**
 * sha256 and size of a file, streamed through one reused 1 MiB buffer (a blob of any size hashes in constant
 * memory); `onProgress` gets the bytes read so far.
 */
export async function hashFile(path: string, onProgress?: (bytes: number) => void): Promise<{ digest: string; size: number }> {
  const fh = await open(path, "r");
  const buf = Buffer.allocUnsafe(HASH_CHUNK); // reused: update() copies what it needs before the next read
  const hasher = new Bun.CryptoHasher("sha256");
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, HASH_CHUNK, null);
      if (bytesRead === 0) break;
      hasher.update(buf.subarray(0, bytesRead));
      size += bytesRead;
      onProgress?.(size);
    }
  } finally {
    await fh.close();
  }
  return { digest: `sha256:${hasher.digest("hex")}`, size };
}
