import { CairnError } from "../errors.ts";

/** Request paths: refused (400) before routing when they try tricks; otherwise split into decoded segments. */

export const MAX_PATH = 2048;
export const MAX_SEGMENT = 256;

function bad(message: string): CairnError {
  return new CairnError("USAGE", message, { hint: "request a documented path (docs/api.md); names and digests go in plain path segments" });
}

/**
 * "/api/v1/workflows/p/w" → ["api", "v1", "workflows", "p", "w"]. Bun has already resolved literal and %2e `..`
 * segments against the root (so they cannot climb out of a route); what is left and still suspicious is refused:
 * encoded slashes, backslashes and NULs, empty or dot segments, control characters, bad escapes, absurd lengths.
 */
export function splitPath(pathname: string): string[] {
  if (pathname.length > MAX_PATH) throw bad(`the path is longer than ${MAX_PATH} characters`);
  if (/%(2f|5c|00)/i.test(pathname)) throw bad("the path contains an encoded '/', '\\' or NUL");
  const raw = pathname.split("/").slice(1);
  if (raw.length > 1 && raw[raw.length - 1] === "") raw.pop(); // one trailing slash is harmless
  return raw.map((seg, i) => {
    if (seg === "" && raw.length > 1) throw bad("the path has an empty segment ('//')");
    if (seg.length > MAX_SEGMENT) throw bad(`path segment ${i + 1} is longer than ${MAX_SEGMENT} characters`);
    let s: string;
    try {
      s = decodeURIComponent(seg);
    } catch {
      throw bad(`path segment ${i + 1} has a malformed %-escape`);
    }
    if (s === "." || s === "..") throw bad("the path contains a '.' or '..' segment");
    if (/[\\\x00-\x1f\x7f]/.test(s)) throw bad(`path segment ${i + 1} contains a backslash or a control character`);
    return s;
  });
}
