// Rekor v2's keyDetails allow-list (rekor-tiles internal/algorithmregistry) and what each name implies: the hash a
// hashedrekord digest is made with, and the key it names. PKIX_ED25519 is accepted only on DSSE verifiers: pure
// Ed25519 signs the message itself, so it cannot be checked against a digest (rekor-tiles refuses it in hashedrekord).
import type { KeyObject } from "node:crypto";

export type HashAlgorithm = "SHA2_256" | "SHA2_384" | "SHA2_512";

export interface KeyDetail {
  hash: HashAlgorithm;
  /** node:crypto digest name of `hash`. */
  nodeHash: "sha256" | "sha384" | "sha512";
  /** The key it names; "rsa"/"ed25519ph" are on Rekor's list but cairn's log does not verify them. */
  key: { type: "ec"; curve: "P-256" | "P-384" | "P-521" } | { type: "ed25519" } | { type: "ed25519ph" } | { type: "rsa"; bits: number };
}

const ec = (curve: "P-256" | "P-384" | "P-521", hash: HashAlgorithm): KeyDetail => ({ hash, nodeHash: nodeHashOf(hash), key: { type: "ec", curve } });
const rsa = (bits: number): KeyDetail => ({ hash: "SHA2_256", nodeHash: "sha256", key: { type: "rsa", bits } });

export const KEY_DETAILS: Readonly<Record<string, KeyDetail>> = {
  PKIX_ECDSA_P256_SHA_256: ec("P-256", "SHA2_256"),
  PKIX_ECDSA_P384_SHA_384: ec("P-384", "SHA2_384"),
  PKIX_ECDSA_P521_SHA_512: ec("P-521", "SHA2_512"),
  PKIX_RSA_PKCS1V15_2048_SHA256: rsa(2048),
  PKIX_RSA_PKCS1V15_3072_SHA256: rsa(3072),
  PKIX_RSA_PKCS1V15_4096_SHA256: rsa(4096),
  PKIX_ED25519_PH: { hash: "SHA2_512", nodeHash: "sha512", key: { type: "ed25519ph" } },
  // DSSE verifiers only (see the file comment). Its hash is the one the normalised entry's digest of the PAE uses.
  PKIX_ED25519: { hash: "SHA2_256", nodeHash: "sha256", key: { type: "ed25519" } },
};

/** The keyDetails cairn's log verifies and logs. */
export const SUPPORTED_KEY_DETAILS = ["PKIX_ECDSA_P256_SHA_256", "PKIX_ECDSA_P384_SHA_384", "PKIX_ECDSA_P521_SHA_512", "PKIX_ED25519"] as const;

export const HASH_LENGTH: Readonly<Record<HashAlgorithm, number>> = { SHA2_256: 32, SHA2_384: 48, SHA2_512: 64 };

export function nodeHashOf(h: HashAlgorithm): "sha256" | "sha384" | "sha512" {
  return h === "SHA2_256" ? "sha256" : h === "SHA2_384" ? "sha384" : "sha512";
}

const CURVES: Record<string, "P-256" | "P-384" | "P-521"> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

/** A description of a key ("ECDSA P-256", "RSA 2048", "Ed25519") for messages, and its curve if it is EC. */
export function describeKey(key: KeyObject): { text: string; curve?: "P-256" | "P-384" | "P-521" } {
  const t = key.asymmetricKeyType;
  if (t === "ec") {
    const named = key.asymmetricKeyDetails?.namedCurve ?? "";
    const curve = CURVES[named];
    return curve ? { text: `ECDSA ${curve}`, curve } : { text: `ECDSA on curve ${named || "unknown"}` };
  }
  if (t === "rsa" || t === "rsa-pss") return { text: `RSA ${key.asymmetricKeyDetails?.modulusLength ?? "?"}` };
  if (t === "ed25519") return { text: "Ed25519" };
  return { text: t ?? "unknown key type" };
}

/** The keyDetails a key is logged with by default (sigstore-go's choice): EC by curve, Ed25519 → PKIX_ED25519. */
export function defaultKeyDetails(key: KeyObject): string | undefined {
  const { curve } = describeKey(key);
  if (curve === "P-256") return "PKIX_ECDSA_P256_SHA_256";
  if (curve === "P-384") return "PKIX_ECDSA_P384_SHA_384";
  if (curve === "P-521") return "PKIX_ECDSA_P521_SHA_512";
  if (key.asymmetricKeyType === "ed25519") return "PKIX_ED25519";
  return undefined;
}
