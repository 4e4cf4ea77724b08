/** Strict text encodings for notes and checkpoints. */

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64 with padding (RFC 4648 §4); undefined for anything else. `canonical` also refuses
 * non-zero padding bits (two spellings of the same bytes).
 */
export function decodeBase64Strict(s: string, canonical = true): Uint8Array | undefined {
  if (typeof s !== "string" || !B64.test(s)) return undefined;
  const b = Buffer.from(s, "base64");
  if (canonical && b.toString("base64") !== s) return undefined;
  return new Uint8Array(b);
}

export function encodeBase64(b: Uint8Array): string {
  return Buffer.from(b).toString("base64");
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

// ASCII control characters other than newline, and UTF-16 lone surrogates (not encodable as UTF-8)
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f]|\p{Cs}/u;

/** Why `s` cannot be note text (control characters other than newline, lone surrogates), or undefined. */
export function textProblem(s: string): string | undefined {
  const m = FORBIDDEN.exec(s);
  if (!m) return undefined;
  const code = m[0].codePointAt(0)!.toString(16).padStart(4, "0");
  return `contains U+${code} at offset ${m.index} (only newline is allowed among control characters; text must be valid UTF-8)`;
}
