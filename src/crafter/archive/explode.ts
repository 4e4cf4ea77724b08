/** One material produced by exploding an archive. */
export interface ExplodedEntry {
  /** Material name: the archive's name for the first entry, then `<name>-1`, `<name>-2`, … */
  name: string;
  /** Entry path inside the archive. */
  path: string;
}

/** Name under which the archive itself is kept, as EVIDENCE, next to its exploded entries. */
export function archiveEvidenceName(materialName: string): string {
  return `${materialName}-archive`;
}

/** Orders strings by Unicode code point, i.e. by UTF-8 bytes, as Go's sort.Strings does. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Chainloop-compatible naming for archive explosion: entries sorted by path; the first keeps the
 * material name, the rest get `-1`, `-2`, … . Empty entries are left out (an empty file is no
 * evidence, as in Chainloop). Pure: the service decides what to do with the plan.
 */
export function planArchiveExplosion(
  materialName: string,
  entries: readonly { path: string; bytes: Uint8Array }[],
): ExplodedEntry[] {
  const paths = entries.filter((e) => e.bytes.length > 0).map((e) => e.path);
  paths.sort(byCodePoint);
  return paths.map((path, i) => ({ name: i === 0 ? materialName : `${materialName}-${i}`, path }));
}
