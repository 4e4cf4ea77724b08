// Verifying a signed attestation: a key-based Sigstore bundle (via @sigstore/verify) or a bare
// DSSE envelope (via envelope.ts). Only the signature is checked here; predicateType and subject
// checks belong to the caller.
import type { KeyObject } from "node:crypto";
import { bundleFromJSON, type Bundle } from "@sigstore/bundle";
import { Verifier, toSignedEntity, toTrustMaterial } from "@sigstore/verify";
import { keyId } from "./keys.ts";
import { verifyEnvelope, verifyFailed, type VerifiedEnvelope } from "./envelope.ts";

/** The outcome of verifyBundle. */
export interface VerifiedBundle {
  /** The exact signed payload bytes (hand these on; never re-serialize `statement`). */
  payload: Uint8Array;
  payloadType: string;
  /** keyId() of the key that verified the signature. */
  keyId: string;
  /** The payload parsed as JSON (not schema-checked). */
  statement: unknown;
}

// No Fulcio CAs, Rekor logs or TSAs: trust comes only from the caller's keys.
const EMPTY_ROOT: Parameters<typeof toTrustMaterial>[0] = {
  mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};
const KEY_ONLY = { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 };

/**
 * Verifies `bundleBytes` (a Sigstore bundle JSON, or a bare DSSE envelope JSON) against every key
 * in `publicKeys`; the hint/keyid in the document never selects or excludes a key.
 * Any failure → CairnError VERIFY_FAILED with a one-line reason.
 */
export function verifyBundle(bundleBytes: Uint8Array, publicKeys: KeyObject[]): VerifiedBundle {
  if (publicKeys.length === 0) verifyFailed("no public key to verify with", "pass the signer's public key");
  const doc = parseJson(bundleBytes, "attestation is not valid JSON");
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    verifyFailed("attestation is not a Sigstore bundle or DSSE envelope");
  }
  const obj = doc as Record<string, unknown>;
  let verified: VerifiedEnvelope;
  if ("mediaType" in obj || "dsseEnvelope" in obj || "verificationMaterial" in obj) {
    verified = verifySigstoreBundle(obj, publicKeys);
  } else if ("payload" in obj && "signatures" in obj) {
    verified = verifyEnvelope(obj, publicKeys);
  } else {
    verifyFailed("attestation is not a Sigstore bundle or DSSE envelope");
  }
  const statement = parseJson(verified.payload, "signed payload is not JSON");
  return { payload: verified.payload, payloadType: verified.payloadType, keyId: keyId(verified.key), statement };
}

function verifySigstoreBundle(obj: Record<string, unknown>, keys: KeyObject[]): VerifiedEnvelope {
  const verified = checkKeyBundle(parseKeyBundle(obj), keys);
  return verified ?? verifyFailed("no trusted key verified the bundle signature", "check --key is the signer's public key");
}

/** A Sigstore bundle that is well-formed, key-signed and holds a DSSE envelope; its signature is not checked yet. */
export interface KeyBundle {
  bundle: Bundle;
  mediaType: string;
  /** verificationMaterial.publicKey.hint: unauthenticated, only good for picking which key to try. */
  hint?: string;
}

/** Validates a parsed bundle document (VERIFY_FAILED with the reason); the shared first half of bundle checks. */
export function parseKeyBundle(obj: Record<string, unknown>): KeyBundle {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(obj);
  } catch (e) {
    const fields = (e as { fields?: unknown }).fields;
    const detail = Array.isArray(fields) && fields.length > 0 ? fields.join(", ") : (e as Error).message;
    verifyFailed(`not a valid Sigstore bundle (${detail})`);
  }
  if (bundle.content.$case !== "dsseEnvelope") {
    verifyFailed("Sigstore bundle holds a message signature, not a DSSE attestation");
  }
  const material = bundle.verificationMaterial.content;
  if (material.$case !== "publicKey") {
    verifyFailed("Sigstore bundle is certificate-signed (keyless); only key-signed bundles are supported");
  }
  return { bundle, mediaType: bundle.mediaType, ...(material.publicKey.hint ? { hint: material.publicKey.hint } : {}) };
}

/** The DSSE signature checked against each key in turn; undefined when none verifies it. */
export function checkKeyBundle({ bundle }: KeyBundle, keys: KeyObject[]): VerifiedEnvelope | undefined {
  if (bundle.content.$case !== "dsseEnvelope") return undefined;
  // Transparency-log entries and RFC 3161 timestamps (e.g. from `cosign attest`, which uploads to
  // Rekor) cannot be checked offline without a trusted root; cairn trusts keys, so it ignores them
  // instead of failing on them.
  const entity = { ...toSignedEntity(bundle), timestamps: [], tlogEntries: [] };
  for (const key of keys) {
    const trust = toTrustMaterial(EMPTY_ROOT, () => ({ publicKey: key, validFor: () => true }));
    try {
      new Verifier(trust, KEY_ONLY).verify(entity);
    } catch {
      continue;
    }
    const env = bundle.content.dsseEnvelope;
    return { payload: new Uint8Array(env.payload), payloadType: env.payloadType, key };
  }
  return undefined;
}

/** Parses bytes as a JSON object (VERIFY_FAILED naming what they were meant to be). */
export function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  const doc = parseJson(bytes, `${what} is not valid JSON`);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) verifyFailed(`${what} is not a JSON object`);
  return doc as Record<string, unknown>;
}

export function parseJson(bytes: Uint8Array, reason: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return verifyFailed(reason);
  }
}
