import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { liveness, writerOf, type Liveness } from "./writer.ts";

/** An entry of `<cas>/tmp`: a blob being written (a file) or an import's staging directory (`import-…`). */
export interface TmpEntry {
  path: string;
  name: string;
  /** For a staging directory, the bytes of all it holds. */
  size: number;
  mtimeMs: number;
  directory: boolean;
  /** Its writer, from the name; "unknown" for names without one (older cairn versions, another host). */
  writer: Liveness;
}

export const STAGING_PREFIX = "import-";

export async function scanTmp(casRoot: string): Promise<TmpEntry[]> {
  const dir = join(casRoot, "tmp");
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: TmpEntry[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    const st = await lstat(path).catch(() => undefined);
    if (!st || !(st.isFile() || st.isDirectory())) continue;
    const directory = st.isDirectory();
    const w = writerOf(name, directory ? STAGING_PREFIX : "");
    if (directory && !name.startsWith(STAGING_PREFIX)) continue; // not ours
    out.push({ path, name, size: directory ? await treeSize(path) : st.size, mtimeMs: st.mtimeMs, directory, writer: w ? liveness(w) : "unknown" });
  }
  return out;
}

/**
 * A leftover: its writer is provably dead (any age), or cannot be checked and the entry is older than
 * `unknownAfterMs` (undefined: never). A live writer's entry never is.
 */
export function isLeftover(e: TmpEntry, now: number, unknownAfterMs?: number): boolean {
  if (e.writer === "dead") return true;
  return e.writer === "unknown" && unknownAfterMs !== undefined && now - e.mtimeMs > unknownAfterMs;
}

/** Removes the leftovers (isLeftover) and returns them; a dry run only returns them. */
export async function sweepTmp(casRoot: string, opts: { unknownAfterMs?: number; dryRun?: boolean } = {}): Promise<TmpEntry[]> {
  const now = Date.now(); // file times are the OS clock's
  const gone = (await scanTmp(casRoot)).filter((e) => isLeftover(e, now, opts.unknownAfterMs));
  if (!opts.dryRun) for (const e of gone) await rm(e.path, { recursive: true, force: true });
  return gone;
}

async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const st = await lstat(join(dir, name)).catch(() => undefined);
    if (st?.isDirectory()) total += await treeSize(join(dir, name));
    else if (st?.isFile()) total += st.size;
  }
  return total;
}
