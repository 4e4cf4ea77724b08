// DSSE v1 Pre-Authentication Encoding: the exact bytes a DSSE signature covers.

const SP = 0x20;

/**
 * PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, with LEN the ASCII decimal
 * byte length (type is UTF-8 encoded first). Exported for `-o payload-pae` and the verifier.
 */
export function pae(payloadType: string, body: Uint8Array): Uint8Array {
  const enc = new TextEncoder();
  const type = enc.encode(payloadType);
  const head = enc.encode(`DSSEv1 ${type.length} `);
  const mid = enc.encode(` ${body.length}`);
  const out = new Uint8Array(head.length + type.length + mid.length + 1 + body.length);
  let at = 0;
  for (const part of [head, type, mid]) {
    out.set(part, at);
    at += part.length;
  }
  out[at++] = SP;
  out.set(body, at);
  return out;
}
