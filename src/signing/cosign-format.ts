// cosign's password-protected private key file, bit-compatible with `cosign generate-key-pair`.
//
// Layout (sigstore/cosign pkg/cosign/keys.go + secure-systems-lab/go-securesystemslib
// encrypted/encrypted.go): a PEM block "ENCRYPTED SIGSTORE PRIVATE KEY" (older cosign wrote
// "ENCRYPTED COSIGN PRIVATE KEY") whose body is the compact JSON
//   {"kdf":{"name":"scrypt","params":{"N":..,"r":8,"p":1},"salt":"<b64 32>"},
//    "cipher":{"name":"nacl/secretbox","nonce":"<b64 24>"},"ciphertext":"<b64>"}
// with key = scrypt(password, salt, N, r, p, 32) and plaintext = PKCS#8 DER of the private key.
import { createPrivateKey, randomBytes, scrypt, type KeyObject } from "node:crypto";
import { CairnError } from "../errors.ts";
import { decodePem, encodePem } from "./pem.ts";

/** PEM type cosign writes today. */
export const SIGSTORE_PEM_TYPE = "ENCRYPTED SIGSTORE PRIVATE KEY";
/** PEM type older cosign releases wrote; still read. */
export const COSIGN_PEM_TYPE = "ENCRYPTED COSIGN PRIVATE KEY";

/** scrypt N values go-securesystemslib accepts (Legacy, Standard, OWASP; always r=8, p=1). */
export type ScryptN = 32768 | 65536 | 131072;
const ALLOWED_N: readonly number[] = [32768, 65536, 131072];
const SALT_BYTES = 32;
const KEY_BYTES = 32;
const NONCE_BYTES = 24;
// 128 * N * r bytes for N=2^17 is 128 MiB; leave room for the implementation's overhead.
const SCRYPT_MAXMEM = 512 * 1024 * 1024;

interface EncryptedKeyJson {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

function deriveKey(password: string, salt: Uint8Array, N: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N, r: 8, p: 1, maxmem: SCRYPT_MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(new Uint8Array(key)),
    );
  });
}

/** tweetnacl, loaded for an encrypted key only: a push with a PEM key (most CI jobs) never needs it. */
async function tweetnacl(): Promise<typeof import("tweetnacl")> {
  return (await import("tweetnacl")).default;
}

/**
 * Encrypts a private key into cosign's PEM format. N defaults to 32768 (go-securesystemslib's
 * "Legacy" level): every cosign release can read it, while N=65536 (what cosign >= 2.2 writes)
 * is rejected by releases whose decryptor only knew 32768.
 */
export async function encryptPrivateKey(
  key: KeyObject,
  password: string,
  opts: { N?: ScryptN } = {},
): Promise<string> {
  const N = opts.N ?? 32768;
  const salt = new Uint8Array(randomBytes(SALT_BYTES));
  const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  const plaintext = new Uint8Array(key.export({ format: "der", type: "pkcs8" }));
  const nacl = await tweetnacl();
  const box = nacl.secretbox(plaintext, nonce, await deriveKey(password, salt, N));
  // Field order and compact form match Go's encoding/json output for the same struct.
  const body: EncryptedKeyJson = {
    kdf: { name: "scrypt", params: { N, r: 8, p: 1 }, salt: b64(salt) },
    cipher: { name: "nacl/secretbox", nonce: b64(nonce) },
    ciphertext: b64(box),
  };
  return encodePem(SIGSTORE_PEM_TYPE, new TextEncoder().encode(JSON.stringify(body)));
}

/**
 * Decrypts a cosign encrypted private key PEM; `source` names the file in errors. Wrong password
 * or a tampered ciphertext → KEY_PASSWORD (secretbox cannot tell them apart); malformed → KEY_INVALID.
 */
export async function decryptPrivateKey(
  pem: string,
  password: string,
  source: string,
): Promise<KeyObject> {
  const block = decodePem(pem, source);
  const invalid = (why: string) =>
    new CairnError("KEY_INVALID", `${source}: not a valid cosign encrypted key (${why})`);
  if (block.type !== SIGSTORE_PEM_TYPE && block.type !== COSIGN_PEM_TYPE) {
    throw invalid(`unexpected PEM type "${block.type}"`);
  }
  let data: EncryptedKeyJson;
  try {
    data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(block.der));
  } catch {
    throw invalid("body is not JSON");
  }
  if (data?.kdf?.name !== "scrypt") throw invalid("kdf is not scrypt");
  if (data.cipher?.name !== "nacl/secretbox") throw invalid("cipher is not nacl/secretbox");
  const { N, r, p } = data.kdf.params ?? {};
  // Same allow-list as go-securesystemslib: a tampered N must not become a memory/CPU bomb.
  if (!ALLOWED_N.includes(N) || r !== 8 || p !== 1) {
    throw invalid(`unsupported scrypt parameters N=${N} r=${r} p=${p}`);
  }
  const salt = unb64(data.kdf.salt);
  const nonce = unb64(data.cipher.nonce);
  const ciphertext = unb64(data.ciphertext);
  if (!salt || salt.length === 0) throw invalid("bad salt");
  if (!nonce || nonce.length !== NONCE_BYTES) throw invalid("nonce must be 24 bytes");
  const nacl = await tweetnacl();
  if (!ciphertext || ciphertext.length < nacl.secretbox.overheadLength) throw invalid("bad ciphertext");

  const plaintext = nacl.secretbox.open(ciphertext, nonce, await deriveKey(password, salt, N));
  if (!plaintext) {
    throw new CairnError("KEY_PASSWORD", `${source}: wrong password for the encrypted private key`, {
      hint: "set CAIRN_SIGNING_PASSWORD (or COSIGN_PASSWORD) to the password the key was created with",
    });
  }
  try {
    return createPrivateKey({ key: Buffer.from(plaintext), format: "der", type: "pkcs8" });
  } catch (e) {
    throw new CairnError("KEY_INVALID", `${source}: decrypted key is not PKCS#8`, { cause: e });
  }
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/** Strict standard base64 (what Go's encoding/json writes for []byte); null when malformed. */
function unb64(s: unknown): Uint8Array | null {
  if (typeof s !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  return new Uint8Array(Buffer.from(s, "base64"));
}
