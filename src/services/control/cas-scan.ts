import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { CairnError } from "../../errors.ts";

/** One file of the local CAS, where `DiskBlobStore` keeps it: `<cas>/sha256/<ab>/<64 hex>`. */
export interface BlobFile {
  digest: string;
  path: string;
  size: number;
  mtimeMs: number;
}

export type CasEntry = { blob: BlobFile } | { stray: string };

const HEX64 = /^[0-9a-f]{64}$/;
const PREFIX = /^[0-9a-f]{2}$/;

/** The local CAS directory of a cairn home (fsck and gc work on the disk store, not through the BlobStore port). */
export function casRoot(home: string): string {
  return join(home, "cas");
}

/**
 * Walks `<cas>/sha256/*\/*` in name order, one directory listing at a time (never the whole store in memory).
 * Anything that is not a regular file at a blob's own path is a stray: no blob address can reach it.
 */
export async function* walkCas(root: string): AsyncGenerator<CasEntry> {
  const top = join(root, "sha256");
  for (const dir of await list(top)) {
    const dirPath = join(top, dir);
    if (!PREFIX.test(dir) || !(await lstat(dirPath)).isDirectory()) {
      yield { stray: dirPath };
      continue;
    }
    for (const name of await list(dirPath)) {
      const path = join(dirPath, name);
      const st = await lstat(path).catch(() => undefined);
      if (!st) continue; // removed while we walked (gc, or a concurrent rename)
      if (HEX64.test(name) && name.startsWith(dir) && st.isFile()) {
        yield { blob: { digest: `sha256:${name}`, path, size: st.size, mtimeMs: st.mtimeMs } };
      } else {
        yield { stray: path };
      }
    }
  }
}

/** Where a digest's blob lives in the local CAS; undefined for anything but a sha256 digest. */
export function blobPath(root: string, digest: string): string | undefined {
  const hex = digest.startsWith("sha256:") ? digest.slice(7) : "";
  return HEX64.test(hex) ? join(root, "sha256", hex.slice(0, 2), hex) : undefined;
}

export async function fileExists(path: string): Promise<boolean> {
  return lstat(path).then(
    (st) => st.isFile(),
    () => false,
  );
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new CairnError("IO", `cannot list ${dir}: ${(e as Error).message}`, { hint: "check the permissions of the cairn home", cause: e });
  }
}
