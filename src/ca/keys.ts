// Keys of the CA: which algorithms it signs with and certifies, PKCS#8 PEM (optionally aes-256-cbc encrypted) in and
// out, and the WebCrypto form @peculiar/x509 and pkijs sign with. Pure: text in, keys out.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { CairnError } from "../errors.ts";

export type SignParams = Parameters<typeof crypto.subtle.sign>[0];
export type ImportParams = Parameters<typeof crypto.subtle.importKey>[2];

/** A key algorithm as WebCrypto imports it and as a signer names it (`sign` carries the hash for ECDSA). */
export interface KeyAlgorithm {
  /** For messages: `ECDSA P-384`, `RSA 3072`, `Ed25519`. */
  label: string;
  importParams: ImportParams;
  sign: SignParams;
  /** The digest a signature by this key uses (pkijs wants it by name); undefined for Ed25519. */
  hash: "SHA-256" | "SHA-384" | "SHA-512" | undefined;
  /** The X.509 signatureAlgorithm of a certificate this key signs (RFC 5758, RFC 4055, RFC 8410); RSA's takes NULL parameters. */
  signatureOid: string;
}

const ECDSA_WITH: Record<"SHA-256" | "SHA-384" | "SHA-512", string> = { "SHA-256": "1.2.840.10045.4.3.2", "SHA-384": "1.2.840.10045.4.3.3", "SHA-512": "1.2.840.10045.4.3.4" };
export const RSA_SHA256_OID = "1.2.840.113549.1.1.11";
const ED25519_OID = "1.3.101.112";

const CURVES: Record<string, { name: "P-256" | "P-384" | "P-521"; hash: "SHA-256" | "SHA-384" | "SHA-512" }> = {
  prime256v1: { name: "P-256", hash: "SHA-256" },
  "P-256": { name: "P-256", hash: "SHA-256" },
  secp384r1: { name: "P-384", hash: "SHA-384" },
  "P-384": { name: "P-384", hash: "SHA-384" },
  secp521r1: { name: "P-521", hash: "SHA-512" },
  "P-521": { name: "P-521", hash: "SHA-512" },
};
const RSA_MIN = 2048;
const RSA_MAX = 4096;

/** The algorithm of a key Fulcio's profile allows (ECDSA P-256/384/521, RSA 2048–4096, Ed25519), else undefined. */
export function keyAlgorithm(key: KeyObject): KeyAlgorithm | undefined {
  const type = key.asymmetricKeyType;
  if (type === "ec") {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ""];
    if (!curve) return undefined;
    return { label: `ECDSA ${curve.name}`, importParams: { name: "ECDSA", namedCurve: curve.name }, sign: { name: "ECDSA", hash: curve.hash }, hash: curve.hash, signatureOid: ECDSA_WITH[curve.hash] };
  }
  if (type === "rsa") {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < RSA_MIN || bits > RSA_MAX) return undefined;
    return { label: `RSA ${bits}`, importParams: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, sign: { name: "RSASSA-PKCS1-v1_5" }, hash: "SHA-256", signatureOid: RSA_SHA256_OID };
  }
  if (type === "ed25519") return { label: "Ed25519", importParams: { name: "Ed25519" }, sign: { name: "Ed25519" }, hash: undefined, signatureOid: ED25519_OID };
  return undefined;
}

/** What keyAlgorithm refused, for messages. */
export function describeKey(key: KeyObject): string {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === "ec") return `ECDSA ${d?.namedCurve ?? "on an unknown curve"}`;
  if (key.asymmetricKeyType === "rsa") return `RSA ${d?.modulusLength ?? "?"}`;
  return String(key.asymmetricKeyType ?? "unknown");
}

export const SUPPORTED_KEYS = "ECDSA P-256/P-384/P-521, RSA 2048–4096 or Ed25519";

/** A fresh ECDSA key pair (the CA's own keys are P-384). */
export function generateEcKey(curve: "P-256" | "P-384" = "P-384"): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("ec", { namedCurve: curve });
}

/** PKCS#8 PEM; encrypted with aes-256-cbc when a password is given. */
export function privateKeyPem(key: KeyObject, password?: string): string {
  const pem = password ? key.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: password }) : key.export({ type: "pkcs8", format: "pem" });
  return pem.toString();
}

export interface KeyReadOptions {
  password?: string;
  /** Names the key in messages: `<home>/ca/intermediate.key`, `--key org.key`. */
  source: string;
  /** The environment variable the password comes from, for hints. */
  passwordEnv: string;
}

/** A private key from PEM (PKCS#8, encrypted PKCS#8, SEC1, PKCS#1); KEY_PASSWORD when encrypted and the password is missing or wrong. */
export function readPrivateKey(pem: string, o: KeyReadOptions): KeyObject {
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(pem);
  if (encrypted && !o.password) {
    throw new CairnError("KEY_PASSWORD", `${o.source} is encrypted and no password was given`, { hint: `set ${o.passwordEnv} to its password` });
  }
  try {
    return createPrivateKey({ key: pem, format: "pem", ...(encrypted && { passphrase: o.password }) });
  } catch (e) {
    if (encrypted) throw new CairnError("KEY_PASSWORD", `${o.source}: wrong password`, { hint: `set ${o.passwordEnv} to the password the key was written with`, cause: e });
    throw new CairnError("KEY_INVALID", `${o.source} is not a PEM private key (${(e as Error).message})`, {
      hint: "pass a PKCS#8 (BEGIN PRIVATE KEY / BEGIN ENCRYPTED PRIVATE KEY) or SEC1/PKCS#1 PEM file",
      cause: e,
    });
  }
}

/** The private key as a non-extractable WebCrypto signing key (import once: issuance signs with it). */
export async function toSigningKey(key: KeyObject, alg: KeyAlgorithm): Promise<CryptoKey> {
  const der = key.export({ type: "pkcs8", format: "der" });
  return crypto.subtle.importKey("pkcs8", der, alg.importParams, false, ["sign"]);
}

/** DER SPKI of a private or public key. */
export function spkiOf(key: KeyObject): Uint8Array {
  const pub = key.type === "public" ? key : createPublicKey(key);
  return new Uint8Array(pub.export({ type: "spki", format: "der" }));
}

/** A public key to certify, from DER SPKI: USAGE naming `field` when it does not parse or Fulcio's profile does not allow it. */
export function parseSubjectKey(spki: Uint8Array, field: string): { key: KeyObject; alg: KeyAlgorithm } {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch (e) {
    throw new CairnError("USAGE", `${field} is not a public key (DER SubjectPublicKeyInfo): ${(e as Error).message}`, { hint: "send a PEM \"PUBLIC KEY\" block", cause: e });
  }
  const alg = keyAlgorithm(key);
  if (!alg) throw new CairnError("USAGE", `${field} is a ${describeKey(key)} key, which cairn's CA does not certify`, { hint: `use ${SUPPORTED_KEYS}` });
  return { key, alg };
}

/** The subjectPublicKey BIT STRING's content of a public key (what a subject key identifier hashes), from node:crypto. */
export function publicKeyBits(key: KeyObject): Uint8Array {
  if (key.asymmetricKeyType === "rsa") return new Uint8Array(key.export({ type: "pkcs1", format: "der" }));
  const jwk = key.export({ format: "jwk" });
  const x = Buffer.from(jwk.x ?? "", "base64url");
  if (key.asymmetricKeyType === "ed25519") return new Uint8Array(x);
  return new Uint8Array(Buffer.concat([Buffer.from([4]), x, Buffer.from(jwk.y ?? "", "base64url")]));
}
