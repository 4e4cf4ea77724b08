import { statSync } from "node:fs";

/**
 * What a cache of parsed files keys on: each file's size and mtime, or "absent". A server re-reads trusted roots
 * and the log's identity on every request that needs them, and parses only when this changes.
 */
export function fileStamp(...paths: string[]): string {
  return paths
    .map((p) => {
      try {
        const st = statSync(p);
        return `${st.size}:${st.mtimeMs}`;
      } catch {
        return "absent";
      }
    })
    .join("|");
}
