import { mkdirSync, renameSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fsyncDirSync, writeSyncedTemp } from "../store/cas/digest.ts";
import { writerName } from "../store/cas/writer.ts";

/** Writes a file so that readers see either the old or the new content, never a mix: temp file, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${writerName()}.tmp`); // names its writer: removable once that is dead
  writeSyncedTemp(tmp, typeof data === "string" ? Buffer.from(data) : data, mode);
  renameSync(tmp, path);
  fsyncDirSync(dir);
}
