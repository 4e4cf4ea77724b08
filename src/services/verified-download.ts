import { createHash } from "node:crypto";
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { CairnError } from "../errors.ts";

/**
 * Writing a downloaded blob, for local `artifact download` and the remote CLI alike: re-hashed as it is written
 * beside the destination under a temporary name, renamed only when the digest matches, so a corrupt or cut-off
 * download leaves no file behind.
 */

/** Hands every chunk to `write` while hashing; after the last one throws INTEGRITY unless the digest matched. */
export async function copyVerified(
  digest: string,
  chunks: AsyncIterable<Uint8Array>,
  write: (chunk: Uint8Array) => Promise<void>,
  onProgress?: (n: number) => void,
): Promise<number> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    await write(chunk);
    size += chunk.length;
    onProgress?.(size);
  }
  const actual = `sha256:${hash.digest("hex")}`;
  if (actual !== digest) {
    throw new CairnError("INTEGRITY", `blob ${digest} is corrupt: its content hashes to ${actual}`, {
      hint: "nothing was kept; run `cairn store fsck` to find every damaged blob",
      details: { expected: digest, actual },
    });
  }
  return size;
}

export async function writeVerifiedFile(
  cwd: string,
  output: string | undefined,
  name: string,
  digest: string,
  chunks: AsyncIterable<Uint8Array>,
  onProgress?: (n: number) => void,
): Promise<{ path: string; size: number }> {
  const path = await destination(cwd, output, name);
  const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.part`);
  const fh = await open(tmp, "wx", 0o644).catch((e: NodeJS.ErrnoException) => {
    throw new CairnError("IO", `cannot write ${path}: ${e.code ?? e.message}`, { hint: "check the directory exists and is writable", cause: e });
  });
  let renamed = false;
  try {
    const size = await copyVerified(digest, chunks, async (chunk) => void (await fh.write(chunk)), onProgress);
    await fh.close();
    await rename(tmp, path);
    renamed = true;
    return { path, size };
  } finally {
    if (!renamed) {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
    }
  }
}

/** An explicit --output may replace a file; the default name never overwrites one the user did not name. */
async function destination(cwd: string, output: string | undefined, name: string): Promise<string> {
  if (output !== undefined) {
    const path = resolve(cwd, output);
    const info = await stat(path).catch(() => undefined);
    return info?.isDirectory() ? join(path, name) : path;
  }
  const path = join(cwd, name);
  if (await stat(path).catch(() => undefined)) {
    throw new CairnError("USAGE", `${name} already exists in ${cwd}`, { hint: `choose the file with --output FILE (an explicit --output replaces it)` });
  }
  return path;
}
