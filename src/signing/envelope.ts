// Verifying a bare DSSE envelope (not wrapped in a Sigstore bundle) with node:crypto.
import { verify as cryptoVerify, type KeyObject } from "node:crypto";
import { CairnError } from "../errors.ts";
import { keyKind, type KeyKind } from "./keys.ts";
import { pae } from "./pae.ts";

/** What a successful signature check yields. */
export interface VerifiedEnvelope {
  payload: Uint8Array;
  payloadType: string;
  key: KeyObject;
}

/** Throws the single failure type of the verify layer. */
export function verifyFailed(reason: string, hint?: string): never {
  throw new CairnError("VERIFY_FAILED", reason, hint === undefined ? {} : { hint });
}

/** Decodes standard or URL-safe base64 (DSSE verifiers must accept both); null when malformed. */
export function decodeBase64(s: unknown): Uint8Array | null {
  if (typeof s !== "string") return null;
  const std = s.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(std)) return null;
  const unpadded = std.replace(/=+$/, "");
  if (unpadded.length % 4 === 1) return null;
  return new Uint8Array(Buffer.from(unpadded, "base64"));
}

/**
 * Verifies a DSSE envelope object: succeeds when any signature verifies under any given key
 * (threshold 1). keyids are ignored: they are unauthenticated hints.
 */
export function verifyEnvelope(env: Record<string, unknown>, keys: KeyObject[]): VerifiedEnvelope {
  const { payloadType, signatures } = env;
  const payload = decodeBase64(env.payload);
  if (payload === null) verifyFailed("DSSE envelope: payload is missing or not base64");
  if (typeof payloadType !== "string") verifyFailed("DSSE envelope: payloadType is missing");
  if (!Array.isArray(signatures) || signatures.length === 0) verifyFailed("DSSE envelope: no signatures");
  const signed = pae(payloadType, payload);
  for (const entry of signatures) {
    const sig = decodeBase64((entry as { sig?: unknown } | null)?.sig);
    if (sig === null) verifyFailed("DSSE envelope: a signature is missing or not base64");
    for (const key of keys) {
      if (checkSignature(signed, key, sig)) return { payload, payloadType, key };
    }
  }
  return verifyFailed("signature mismatch: none of the given keys verifies the DSSE envelope signature", "check --key is the signer's public key");
}

function checkSignature(data: Uint8Array, key: KeyObject, sig: Uint8Array): boolean {
  let kind: KeyKind;
  try {
    kind = keyKind(key);
  } catch {
    return false; // a key type cairn cannot sign with cannot have made this signature
  }
  if (kind === "ed25519") return safeVerify(null, data, key, sig);
  // DER is what Sigstore/cosign/Go emit; raw r||s (IEEE P1363, e.g. the DSSE spec vector) is
  // accepted too because it is the same signature in another encoding, under the same key.
  return (
    safeVerify("sha256", data, key, sig) ||
    (sig.length === 64 && safeVerify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, sig))
  );
}

function safeVerify(
  alg: string | null,
  data: Uint8Array,
  key: KeyObject | { key: KeyObject; dsaEncoding: "ieee-p1363" },
  sig: Uint8Array,
): boolean {
  try {
    return cryptoVerify(alg, data, key, sig);
  } catch {
    return false;
  }
}
