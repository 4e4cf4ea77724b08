// Signing keys: generation, PEM parsing (pure: text in, KeyObject out) and the key-id convention.
// Loading from files/env refs lives in key-refs.ts so this file never touches I/O.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { CairnError } from "../errors.ts";
import { COSIGN_PEM_TYPE, SIGSTORE_PEM_TYPE, decryptPrivateKey } from "./cosign-format.ts";
import { decodePem } from "./pem.ts";

/** The key types cairn signs with (cosign's default is ECDSA P-256 with SHA-256). */
export type KeyKind = "ecdsa-p256" | "ed25519";

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Generates a fresh key pair. */
export function generateKeyPair(kind: KeyKind): KeyPair {
  return kind === "ed25519"
    ? generateKeyPairSync("ed25519")
    : generateKeyPairSync("ec", { namedCurve: "P-256" });
}

/** The kind of a (private or public) key; KEY_INVALID naming `source` for anything else. */
export function keyKind(key: KeyObject, source = "key"): KeyKind {
  if (key.asymmetricKeyType === "ed25519") return "ed25519";
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === "ec" && (curve === "prime256v1" || curve === "P-256")) {
    return "ecdsa-p256";
  }
  const what = key.asymmetricKeyType === "ec" ? `ec ${curve ?? "?"}` : String(key.asymmetricKeyType);
  throw new CairnError("KEY_INVALID", `${source}: unsupported key type ${what}`, {
    hint: "cairn signs with ECDSA P-256 or Ed25519 keys (cairn keys generate, or cosign generate-key-pair)",
  });
}

/** The public half of a key (identity for public keys). */
export function publicKeyOf(key: KeyObject): KeyObject {
  return key.type === "public" ? key : createPublicKey(key);
}

/**
 * cosign's key hint: base64(sha256(DER SubjectPublicKeyInfo)). Used as the bundle's
 * `verificationMaterial.publicKey.hint` and the DSSE keyid; never as a trust decision.
 */
export function keyId(key: KeyObject): string {
  const spki = publicKeyOf(key).export({ format: "der", type: "spki" });
  return createHash("sha256").update(spki).digest("base64");
}

/** The public key as a PEM SPKI "PUBLIC KEY" block (the format of cosign.pub). */
export function publicKeyPem(key: KeyObject): string {
  return publicKeyOf(key).export({ format: "pem", type: "spki" }).toString();
}

/**
 * Parses a private key PEM: cosign's encrypted format (getPassword is called only for it),
 * unencrypted PKCS#8 "PRIVATE KEY", or SEC1 "EC PRIVATE KEY". `source` names it in errors.
 */
export async function parsePrivateKeyPem(
  text: string,
  source: string,
  getPassword: () => Promise<string>,
): Promise<KeyObject> {
  const block = decodePem(text, source);
  let key: KeyObject;
  switch (block.type) {
    case SIGSTORE_PEM_TYPE:
    case COSIGN_PEM_TYPE:
      key = await decryptPrivateKey(text, await getPassword(), source);
      break;
    case "PRIVATE KEY":
      key = derKey(source, () => createPrivateKey({ key: Buffer.from(block.der), format: "der", type: "pkcs8" }));
      break;
    case "EC PRIVATE KEY":
      if (block.headers["Proc-Type"]?.includes("ENCRYPTED")) throw unsupported(source, "OpenSSL-encrypted EC PRIVATE KEY");
      key = derKey(source, () => createPrivateKey({ key: Buffer.from(block.der), format: "der", type: "sec1" }));
      break;
    case "PUBLIC KEY":
      throw new CairnError("KEY_INVALID", `${source}: is a public key, expected a private key`);
    default:
      throw unsupported(source, `PEM type "${block.type}"`);
  }
  keyKind(key, source);
  return key;
}

/** Parses a PEM SPKI "PUBLIC KEY" (cosign.pub). */
export function parsePublicKeyPem(text: string, source: string): KeyObject {
  const block = decodePem(text, source);
  if (block.type !== "PUBLIC KEY") {
    throw new CairnError("KEY_INVALID", `${source}: expected a PUBLIC KEY PEM block, found "${block.type}"`);
  }
  const key = derKey(source, () => createPublicKey({ key: Buffer.from(block.der), format: "der", type: "spki" }));
  keyKind(key, source);
  return key;
}

function derKey(source: string, parse: () => KeyObject): KeyObject {
  try {
    return parse();
  } catch (e) {
    throw new CairnError("KEY_INVALID", `${source}: malformed key (${(e as Error).message})`, { cause: e });
  }
}

function unsupported(source: string, what: string): CairnError {
  return new CairnError("KEY_INVALID", `${source}: unsupported private key format (${what})`, {
    hint: "use a cosign key (cosign generate-key-pair / import-key-pair) or an unencrypted PKCS#8 or SEC1 PEM",
  });
}
