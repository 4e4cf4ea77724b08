import { mkdirSync, renameSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fsyncDirSync, writeSyncedTemp } from "../store/cas/digest.ts";

/** Writes a file so that readers see either the old or the new content, never a mix: temp file, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  writeSyncedTemp(tmp, typeof data === "string" ? Buffer.from(data) : data, mode);
  renameSync(tmp, path);
  fsyncDirSync(dir);
}
