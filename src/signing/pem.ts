// Minimal PEM codec. node:crypto parses standard key PEMs itself; this exists for the cosign
// block types it does not know ("ENCRYPTED SIGSTORE PRIVATE KEY") and to dispatch on the type.
import { CairnError } from "../errors.ts";

/** One decoded PEM block. */
export interface PemBlock {
  type: string;
  /** RFC 1421 headers such as `Proc-Type`; present only on legacy OpenSSL-encrypted keys. */
  headers: Record<string, string>;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/;
const B64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes the first PEM block in `text` (text around it is ignored, as Go's pem.Decode does).
 * Throws KEY_INVALID naming `source` when there is no block or its body is not base64.
 */
export function decodePem(text: string, source: string): PemBlock {
  const m = BLOCK.exec(text);
  if (!m) {
    throw new CairnError("KEY_INVALID", `${source}: no PEM block found`, {
      hint: "expected a PEM file such as -----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----",
    });
  }
  const type = m[1] as string;
  const headers: Record<string, string> = {};
  const body: string[] = [];
  for (const raw of (m[2] as string).split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon > 0 && body.length === 0) {
      headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      continue;
    }
    body.push(line);
  }
  const b64 = body.join("");
  if (!B64_BODY.test(b64) || b64.length % 4 !== 0) {
    throw new CairnError("KEY_INVALID", `${source}: PEM block "${type}" is not valid base64`);
  }
  return { type, headers, der: new Uint8Array(Buffer.from(b64, "base64")) };
}

/** Encodes bytes as a PEM block with 64-character lines (the layout Go's pem.Encode writes). */
export function encodePem(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${type}-----\n${lines.join("\n")}\n-----END ${type}-----\n`;
}
