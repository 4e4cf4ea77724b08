// A Rekor verifier's key, checked against its keyDetails, and the two signature checks the log needs: ECDSA over a
// given digest (prehashed; @noble/curves, since node:crypto always hashes its input) and a signature over a message
// (node:crypto: ECDSA with the keyDetails' hash, pure Ed25519).
import { createPublicKey, verify as nodeVerify, X509Certificate, type KeyObject } from "node:crypto";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { usage } from "./fields.ts";
import { describeKey, KEY_DETAILS, SUPPORTED_KEY_DETAILS, type KeyDetail } from "./key-details.ts";
import type { Verifier } from "./request.ts";

export interface VerifierKey {
  key: KeyObject;
  detail: KeyDetail;
}

const NOBLE = { "P-256": p256, "P-384": p384, "P-521": p521 } as const;
const FIELD_BYTES = { "P-256": 32, "P-384": 48, "P-521": 66 } as const;

/** The verifier's public key, once its keyDetails is one cairn verifies and names this key (USAGE otherwise). */
export function verifierKey(v: Verifier, path: string): VerifierKey {
  const detail = KEY_DETAILS[v.keyDetails];
  if (!detail) return usage(`${path}.keyDetails ${JSON.stringify(v.keyDetails)} is not allowed`);
  if (detail.key.type === "rsa" || detail.key.type === "ed25519ph") {
    usage(`${path}.keyDetails ${v.keyDetails} is not supported by this log`, `supported: ${SUPPORTED_KEY_DETAILS.join(", ")} (PKIX_ED25519 only in a DSSE request)`);
  }
  const key = v.x509Certificate ? certificateKey(v.x509Certificate, path) : spkiKey(v.publicKey!, path);
  const have = describeKey(key);
  const want = detail.key.type === "ec" ? `ECDSA ${detail.key.curve}` : "Ed25519";
  if (have.text !== want) usage(`${path}.keyDetails ${v.keyDetails} names an ${want} key, but the ${v.x509Certificate ? "certificate's key" : "public key"} is ${have.text}`);
  return { key, detail };
}

function certificateKey(der: Uint8Array, path: string): KeyObject {
  try {
    return new X509Certificate(der).publicKey;
  } catch {
    return usage(`${path}.x509Certificate.rawBytes is not a DER X.509 certificate`);
  }
}

function spkiKey(der: Uint8Array, path: string): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" });
  } catch {
    return usage(`${path}.publicKey.rawBytes is not a DER SubjectPublicKeyInfo`);
  }
}

/** Whether `signature` (DER ECDSA) verifies over the prehashed `digest` with this EC key. */
export function verifiesOverDigest(k: VerifierKey, digest: Uint8Array, signature: Uint8Array): boolean {
  if (k.detail.key.type !== "ec") return false;
  const curve = k.detail.key.curve;
  // SEC1 uncompressed point 04 ‖ X ‖ Y, each coordinate left-padded to the field size.
  const jwk = k.key.export({ format: "jwk" });
  const coord = (c: string | undefined) => {
    const b = Buffer.from(c ?? "", "base64url");
    return Buffer.concat([Buffer.alloc(Math.max(0, FIELD_BYTES[curve] - b.length)), b]);
  };
  const point = Buffer.concat([Buffer.from([4]), coord(jwk.x), coord(jwk.y)]);
  try {
    return NOBLE[curve].verify(signature, digest, point, { prehash: false, format: "der", lowS: false });
  } catch {
    return false;
  }
}

/** Whether `signature` verifies over `message`: ECDSA (DER) with the keyDetails' hash, or pure Ed25519. */
export function verifiesOverMessage(k: VerifierKey, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return nodeVerify(k.detail.key.type === "ed25519" ? null : k.detail.nodeHash, message, k.key, signature);
  } catch {
    return false;
  }
}
