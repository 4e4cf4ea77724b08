/**
 * A digest shown short, as git shows hashes: `sha256:12d6ca6f…` (the algorithm and 8 hex digits). Short digests are
 * for people; `-o json`, titles and `--full` keep the whole value. Pure; the one rule of the CLI, the CI summary and
 * the web view.
 */
export function shortDigest(digest: string, full = false): string {
  if (full) return digest;
  const m = /^([a-zA-Z0-9]+):([0-9a-f]{9,})$/.exec(digest);
  return m ? `${m[1]}:${m[2]!.slice(0, 8)}…` : digest;
}
