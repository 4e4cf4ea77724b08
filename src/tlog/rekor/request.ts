// The JSON body of Rekor v2's `POST /api/v2/log/entries` (rekor-tiles CreateEntryRequest): a hashedrekord request, or
// the legacy DSSE request @sigstore/sign 5.1.0 still sends. Parsing only checks shape; verify.ts checks signatures.
import { array, bytes, object, required, string, usage, type Obj } from "./fields.ts";
import { HASH_LENGTH, KEY_DETAILS } from "./key-details.ts";

export interface Verifier {
  keyDetails: string;
  /** DER X.509 certificate. */
  x509Certificate?: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  publicKey?: Uint8Array;
}

export type EntryRequest =
  | { kind: "hashedrekord"; digest: Uint8Array; signature: Uint8Array; verifier: Verifier }
  | { kind: "dsse"; payload: Uint8Array; payloadType: string; signatures: Uint8Array[]; verifiers: Verifier[] };

const HASHED = "hashedRekordRequestV002";
const DSSE = "dsseRequestV002";
const KNOWN_KEY_DETAILS = Object.keys(KEY_DETAILS).join(", ");

/** Parses a CreateEntryRequest; CairnError USAGE naming the field for anything malformed. */
export function parseCreateEntryRequest(body: unknown): EntryRequest {
  const top = object(body, "the request", [HASHED, DSSE]);
  const kinds = [HASHED, DSSE].filter((k) => k in top);
  if (kinds.length !== 1) {
    usage(kinds.length === 0 ? `the request has neither ${HASHED} nor ${DSSE}` : `the request has both ${HASHED} and ${DSSE}; send exactly one`);
  }
  return HASHED in top ? hashedRekord(top[HASHED]) : dsse(top[DSSE]);
}

function hashedRekord(value: unknown): EntryRequest {
  const o = object(value, HASHED, ["digest", "signature"]);
  const sig = object(required(o, "signature", HASHED), `${HASHED}.signature`, ["content", "verifier"]);
  const signature = bytes(required(sig, "content", `${HASHED}.signature`), `${HASHED}.signature.content`);
  const verifier = parseVerifier(required(sig, "verifier", `${HASHED}.signature`), `${HASHED}.signature.verifier`);
  if (verifier.keyDetails === "PKIX_ED25519") {
    usage(`${HASHED}.signature.verifier.keyDetails PKIX_ED25519 (pure Ed25519) signs the message itself and cannot be checked against a digest`, `log an Ed25519-signed DSSE envelope with ${DSSE}`);
  }
  const digest = bytes(required(o, "digest", HASHED), `${HASHED}.digest`);
  const detail = KEY_DETAILS[verifier.keyDetails]!;
  if (digest.length !== HASH_LENGTH[detail.hash]) {
    usage(`${HASHED}.digest is ${digest.length} bytes, but keyDetails ${verifier.keyDetails} signs a ${detail.hash} digest of ${HASH_LENGTH[detail.hash]} bytes`);
  }
  return { kind: "hashedrekord", digest, signature, verifier };
}

function dsse(value: unknown): EntryRequest {
  const o = object(value, DSSE, ["envelope", "verifiers"]);
  const env = object(required(o, "envelope", DSSE), `${DSSE}.envelope`, ["payload", "payloadType", "signatures"]);
  const at = `${DSSE}.envelope`;
  const payload = bytes(required(env, "payload", at), `${at}.payload`);
  const payloadType = string(required(env, "payloadType", at), `${at}.payloadType`);
  if (payloadType === "") usage(`${at}.payloadType is empty`);
  const sigs = array(required(env, "signatures", at), `${at}.signatures`);
  if (sigs.length === 0) usage(`${at}.signatures is empty: the envelope must carry a signature`);
  const signatures = sigs.map((s, i) => {
    const so = object(s, `${at}.signatures[${i}]`, ["sig", "keyid"]);
    if (so["keyid"] !== undefined) string(so["keyid"], `${at}.signatures[${i}].keyid`);
    return bytes(required(so, "sig", `${at}.signatures[${i}]`), `${at}.signatures[${i}].sig`);
  });
  const vs = array(required(o, "verifiers", DSSE), `${DSSE}.verifiers`);
  if (vs.length === 0) usage(`${DSSE}.verifiers is empty: name the key or certificate that signed the envelope`);
  return { kind: "dsse", payload, payloadType, signatures, verifiers: vs.map((v, i) => parseVerifier(v, `${DSSE}.verifiers[${i}]`)) };
}

function parseVerifier(value: unknown, path: string): Verifier {
  const o: Obj = object(value, path, ["publicKey", "x509Certificate", "keyDetails"]);
  const keyDetails = string(required(o, "keyDetails", path), `${path}.keyDetails`);
  if (!Object.hasOwn(KEY_DETAILS, keyDetails)) usage(`${path}.keyDetails ${JSON.stringify(keyDetails)} is not allowed (one of ${KNOWN_KEY_DETAILS})`);
  const has = ["publicKey", "x509Certificate"].filter((k) => k in o);
  if (has.length !== 1) usage(`${path} must hold exactly one of x509Certificate and publicKey, got ${has.length === 0 ? "neither" : "both"}`);
  const which = has[0] as "publicKey" | "x509Certificate";
  const inner = object(o[which], `${path}.${which}`, ["rawBytes"]);
  const raw = bytes(required(inner, "rawBytes", `${path}.${which}`), `${path}.${which}.rawBytes`);
  return which === "publicKey" ? { keyDetails, publicKey: raw } : { keyDetails, x509Certificate: raw };
}
