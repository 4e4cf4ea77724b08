// The canonicalized body of a Rekor v2 hashedrekord/0.0.2 entry: JCS(protojson(Entry)), as rekor-tiles writes it and
// sigstore-go rebuilds it from a bundle to hash it (so every byte matters: sorted keys, standard base64 with padding,
// no extra fields). The object literals below are written in JCS (UTF-16 code unit) key order and hold only ASCII
// strings, so JSON.stringify of them is their JCS form.
import type { HashAlgorithm } from "./key-details.ts";
import { HASH_LENGTH } from "./key-details.ts";
import type { Verifier } from "./request.ts";

export interface HashedRekord {
  digest: Uint8Array;
  algorithm: HashAlgorithm;
  signature: Uint8Array;
  verifier: Verifier;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");

export function canonicalBody(h: HashedRekord): Uint8Array {
  const key = h.verifier.x509Certificate
    ? { keyDetails: h.verifier.keyDetails, x509Certificate: { rawBytes: b64(h.verifier.x509Certificate) } }
    : { keyDetails: h.verifier.keyDetails, publicKey: { rawBytes: b64(h.verifier.publicKey!) } };
  // JCS order: "keyDetails" < "publicKey" < "x509Certificate".
  const entry = {
    apiVersion: "0.0.2",
    kind: "hashedrekord",
    spec: { hashedRekordV002: { data: { algorithm: h.algorithm, digest: b64(h.digest) }, signature: { content: b64(h.signature), verifier: key } } },
  };
  return new TextEncoder().encode(JSON.stringify(entry));
}

/** Reads a canonicalized hashedrekord/0.0.2 body back (for monitors); throws Error on anything else. */
export function parseBody(bytes: Uint8Array): HashedRekord {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new Error("the entry body is not UTF-8 JSON");
  }
  const e = doc as { apiVersion?: unknown; kind?: unknown; spec?: { hashedRekordV002?: { data?: { algorithm?: unknown; digest?: unknown }; signature?: { content?: unknown; verifier?: Record<string, unknown> } } } };
  if (e?.kind !== "hashedrekord" || e.apiVersion !== "0.0.2") throw new Error(`the entry body is not hashedrekord/0.0.2 (kind ${JSON.stringify(e?.kind)}, apiVersion ${JSON.stringify(e?.apiVersion)})`);
  const spec = e.spec?.hashedRekordV002;
  const algorithm = spec?.data?.algorithm;
  if (algorithm !== "SHA2_256" && algorithm !== "SHA2_384" && algorithm !== "SHA2_512") throw new Error(`the entry body's data.algorithm ${JSON.stringify(algorithm)} is not SHA2_256, SHA2_384 or SHA2_512`);
  const v = spec?.signature?.verifier;
  const keyDetails = v?.["keyDetails"];
  if (typeof keyDetails !== "string") throw new Error("the entry body has no signature.verifier.keyDetails");
  const cert = (v?.["x509Certificate"] as { rawBytes?: unknown } | undefined)?.rawBytes;
  const spki = (v?.["publicKey"] as { rawBytes?: unknown } | undefined)?.rawBytes;
  const verifier: Verifier = cert !== undefined ? { keyDetails, x509Certificate: decode(cert, "x509Certificate.rawBytes") } : { keyDetails, publicKey: decode(spki, "publicKey.rawBytes") };
  const h: HashedRekord = { digest: decode(spec?.data?.digest, "data.digest"), algorithm, signature: decode(spec?.signature?.content, "signature.content"), verifier };
  if (h.digest.length !== HASH_LENGTH[algorithm]) throw new Error(`the entry body's ${algorithm} digest is ${h.digest.length} bytes`);
  // Canonical means exactly these bytes: anything extra, reordered or re-encoded is not a body this format produces.
  if (!Buffer.from(canonicalBody(h)).equals(Buffer.from(bytes))) throw new Error("the entry body is not in canonical form (JCS of the hashedrekord/0.0.2 entry)");
  return h;
}

function decode(v: unknown, field: string): Uint8Array {
  if (typeof v !== "string" || v === "" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw new Error(`the entry body's ${field} is not standard base64`);
  return new Uint8Array(Buffer.from(v, "base64"));
}
