/**
 * Bounds on text that echoes input back to a user: error messages, hints and their details. A one-line GraphQL
 * file once produced a 200 MiB ERR line, because a parser quoted the whole line; CairnError runs every message
 * through boundedMessage, so no printer (main.ts report(), the server's error body) can repeat input unbounded.
 */

/** Longest line of an error message, in UTF-8 bytes. */
export const MAX_LINE_BYTES = 1000;
/** Lines kept of a multi-line message (a policy gate lists one violation per line). */
export const MAX_LINES = 50;
/** Longest quoted input fragment (an entry name, a token), in characters. */
export const MAX_EXCERPT_CHARS = 200;

const utf8 = new TextEncoder();

/** `s` cut to at most `bytes` UTF-8 bytes, never inside a character. */
function prefixBytes(s: string, bytes: number): string {
  if (s.length <= bytes / 3) return s;
  let used = 0;
  let i = 0;
  for (const ch of s) {
    const n = ch.length === 2 ? 4 : (ch.codePointAt(0) ?? 0) < 0x80 ? 1 : (ch.codePointAt(0) ?? 0) < 0x800 ? 2 : 3;
    if (used + n > bytes) break;
    used += n;
    i += ch.length;
  }
  return s.slice(0, i);
}

/** The same cut from the end. */
function suffixBytes(s: string, bytes: number): string {
  const chars = Array.from(s.slice(-bytes)).reverse();
  let used = 0;
  let n = 0;
  for (const ch of chars) {
    used += utf8.encode(ch).length;
    if (used > bytes) break;
    n += ch.length;
  }
  return n === 0 ? "" : s.slice(-n);
}

/** One line within `max` bytes: its start and its end (where messages say what went wrong) around a marker. */
function boundedLine(line: string, max: number): string {
  // UTF-8 never takes fewer bytes than UTF-16 code units: a longer line is over without encoding it (it may be 200 MiB)
  if (line.length <= max / 3 || (line.length <= max && utf8.encode(line).length <= max)) return line;
  const marker = ` … (${line.length} characters, cut) … `;
  const room = max - utf8.encode(marker).length;
  return `${prefixBytes(line, Math.floor(room * 0.7))}${marker}${suffixBytes(line, Math.floor(room * 0.3))}`;
}

/**
 * `text` with every line at most `maxLineBytes` UTF-8 bytes and at most MAX_LINES lines, control characters other
 * than newlines shown as `?` (a message must not move a terminal's cursor). Idempotent.
 */
export function boundedMessage(text: string, maxLineBytes = MAX_LINE_BYTES): string {
  const lines = text.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, "?").split("\n");
  const kept = lines.slice(0, MAX_LINES).map((l) => boundedLine(l, maxLineBytes));
  if (lines.length > MAX_LINES) kept.push(`… and ${lines.length - MAX_LINES} more lines`);
  return kept.join("\n");
}

/** An input fragment quoted for a message: JSON-quoted, at most MAX_EXCERPT_CHARS characters of it. */
export function excerpt(s: string, max = MAX_EXCERPT_CHARS): string {
  if (s.length <= max) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, max))}… (${s.length} characters)`;
}

/** Strings inside error details bounded as message lines, arrays to 1000 items; other values kept. */
export function boundedDetails(v: unknown, depth = 0): unknown {
  if (typeof v === "string") return boundedLine(v, MAX_LINE_BYTES);
  if (depth > 8 || typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.slice(0, 1000).map((x) => boundedDetails(x, depth + 1));
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, boundedDetails(x, depth + 1)]));
}
