/**
 * C2SP signed notes with Ed25519 (signature type 0x01): text ending in "\n", a blank line, then lines
 * `— <name> <base64(keyID[4] ‖ signature)>`. Key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw public key)[:4];
 * the full hash is what Rekor v2 uses as the log ID.
 */
import { createHash, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from "node:crypto";
import { CairnError } from "../errors.ts";
import { bytesEqual } from "./hash.ts";
import { decodeBase64Strict, encodeBase64, textProblem, toHex } from "./encoding.ts";
import { SIG_PREFIX, nameProblem, parseNote, verifyFailed } from "./note-parse.ts";

export const SIG_TYPE_ED25519 = 0x01;
export { MAX_NOTE_SIGNATURES } from "./note-parse.ts";

export interface NoteSigner {
  name: string;
  keyId: Uint8Array; // 4 bytes
  logId: Uint8Array; // SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw public key)
  publicKeyRaw: Uint8Array;
  /** The whole signed note: text + "\n" + "— <name> <b64(keyId‖sig)>\n". */
  sign(text: string): string;
}

export interface NoteVerifier {
  name: string;
  keyId: Uint8Array;
  logId: Uint8Array;
  /** Returns the signed text; throws CairnError VERIFY_FAILED saying why (no signature by this key, bad signature, malformed). */
  verify(note: string | Uint8Array): string;
}

function checkName(name: string): void {
  const p = nameProblem(name);
  if (p) throw new CairnError("USAGE", `note key name ${JSON.stringify(name)} ${p}`, { hint: "use the log's origin, e.g. its bare hostname" });
}

function rawEd25519(key: KeyObject): Uint8Array {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new CairnError("KEY_INVALID", `signed notes need an Ed25519 key, got ${key.asymmetricKeyType ?? key.type}`);
  }
  const pub = key.type === "private" ? createPublicKey(key) : key;
  const x = pub.export({ format: "jwk" }).x;
  return new Uint8Array(Buffer.from(x ?? "", "base64url"));
}

function keyHash(name: string, raw: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(name, "utf8").update(new Uint8Array([0x0a, SIG_TYPE_ED25519])).update(raw).digest());
}

export function noteSigner(name: string, privateKey: KeyObject): NoteSigner {
  checkName(name);
  if (privateKey.type !== "private") throw new CairnError("KEY_INVALID", "noteSigner needs an Ed25519 private key, got a public key");
  const publicKeyRaw = rawEd25519(privateKey);
  const logId = keyHash(name, publicKeyRaw);
  const keyId = logId.slice(0, 4);
  // the closures keep their own copies: callers may do what they like with the exposed arrays
  return {
    name,
    keyId: keyId.slice(),
    logId: logId.slice(),
    publicKeyRaw: publicKeyRaw.slice(),
    sign(text: string): string {
      if (typeof text !== "string" || !text.endsWith("\n")) throw new RangeError("note text must end with a newline");
      const p = textProblem(text);
      if (p) throw new RangeError(`note text ${p}`);
      const sig = new Uint8Array(cryptoSign(null, Buffer.from(text, "utf8"), privateKey));
      const blob = new Uint8Array(4 + sig.length);
      blob.set(keyId);
      blob.set(sig, 4);
      return `${text}\n${SIG_PREFIX}${name} ${encodeBase64(blob)}\n`;
    },
  };
}

export function noteVerifier(name: string, publicKey: KeyObject): NoteVerifier {
  checkName(name);
  const raw = rawEd25519(publicKey);
  const logId = keyHash(name, raw);
  const keyId = logId.slice(0, 4);
  const pub = publicKey.type === "private" ? createPublicKey(publicKey) : publicKey;
  return {
    name,
    keyId: keyId.slice(),
    logId: logId.slice(),
    verify(note: string | Uint8Array): string {
      const { text, sigs } = parseNote(note);
      const data = Buffer.from(text, "utf8");
      let verified = false;
      for (const s of sigs) {
        if (s.name !== name || !bytesEqual(s.keyId, keyId)) continue; // another key: ignored
        if (s.sig.length !== 64 || !cryptoVerify(null, data, pub, s.sig)) throw verifyFailed(`bad signature by ${name} (key ID ${toHex(keyId)})`);
        verified = true;
      }
      if (!verified) throw verifyFailed(`no signature by ${name} (key ID ${toHex(keyId)})`);
      return text;
    },
  };
}

/** The C2SP verifier key text: `<name>+<hex keyId>+<base64(0x01 ‖ raw public key)>`. */
export function vkey(name: string, publicKey: KeyObject): string {
  checkName(name);
  const raw = rawEd25519(publicKey);
  const typed = new Uint8Array(1 + raw.length);
  typed[0] = SIG_TYPE_ED25519;
  typed.set(raw, 1);
  return `${name}+${toHex(keyHash(name, raw).subarray(0, 4))}+${encodeBase64(typed)}`;
}

/** Reads a vkey back: name and Ed25519 public key (checks the type byte, the length and the key ID). */
export function parseVkey(text: string): { name: string; publicKey: KeyObject } {
  const bad = (why: string) => new CairnError("KEY_INVALID", `verifier key ${JSON.stringify(text)}: ${why}`, { hint: "expected <name>+<8 hex digits>+<base64(0x01 ‖ 32-byte Ed25519 key)>" });
  const t = text.trim();
  const plus = t.indexOf("+"); // the name has no '+'; the base64 key may
  const name = t.slice(0, Math.max(plus, 0));
  const idHex = t.slice(plus + 1, plus + 9);
  const b64 = t.slice(plus + 10);
  if (plus < 0 || t[plus + 9] !== "+") throw bad("not <name>+<key ID>+<key>");
  if (nameProblem(name)) throw bad(`key name ${nameProblem(name)}`);
  const key = decodeBase64Strict(b64);
  if (!key || key.length !== 33 || key[0] !== SIG_TYPE_ED25519) throw bad("not an Ed25519 (type 0x01) key of 32 bytes");
  const raw = key.subarray(1);
  if (!/^[0-9a-f]{8}$/.test(idHex) || idHex !== toHex(keyHash(name, raw).subarray(0, 4))) throw bad("key ID does not match the name and key");
  const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") }, format: "jwk" });
  return { name, publicKey };
}
