/**
 * Entry-path hygiene for archives. Entry names come from the archive author and are never
 * trusted: anything that could address a file outside an extraction root, or that renders
 * differently on another OS, is refused rather than "fixed".
 */

/** A usable entry path: `/`-separated, relative, without `.`/empty segments. */
export type EntryPath = { ok: true; path: string; dir: boolean } | { ok: false; reason: string };

// C0 controls and DEL. NUL is reported separately because it is the classic truncation trick.
const CONTROL = /[\u0001-\u001f\u007f]/;

/**
 * Normalises a raw entry name or says why it is unsafe. Backslashes count as separators (Windows
 * tools write them, and `..\evil` is a traversal there), so they are turned into `/` *before* the
 * checks; `./a//b` becomes `a/b`; a trailing separator marks a directory. Refused: NUL bytes,
 * control characters, absolute paths (`/x`, `\\server\share`), drive letters, any `..` segment.
 */
export function normalizeEntryPath(raw: string): EntryPath {
  if (raw.includes("\u0000")) return { ok: false, reason: "contains a NUL byte" };
  if (CONTROL.test(raw)) return { ok: false, reason: "contains control characters" };
  const slashed = raw.replaceAll("\\", "/");
  if (slashed.startsWith("/")) return { ok: false, reason: "is an absolute path" };
  if (/^[A-Za-z]:/.test(slashed)) return { ok: false, reason: "starts with a drive letter" };
  const segments = slashed.split("/");
  if (segments.includes("..")) return { ok: false, reason: "contains a '..' segment" };
  const kept = segments.filter((s) => s !== "" && s !== ".");
  const dir = slashed.endsWith("/") || kept.length === 0;
  return { ok: true, path: kept.join("/"), dir };
}

/** Last path segment of a normalised entry path. */
export function baseName(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}

/**
 * Metadata that archivers on macOS add next to real files (`__MACOSX/…`, AppleDouble `._name`).
 * Kinds that look for a named file inside an archive skip these so `._report_json.json` is not
 * mistaken for `report_json.json`.
 */
export function isOsMetadata(path: string): boolean {
  return path.startsWith("__MACOSX/") || baseName(path).startsWith("._") || baseName(path) === ".DS_Store";
}
