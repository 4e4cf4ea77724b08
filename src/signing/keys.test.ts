import { describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../test-helpers.ts";
import { generateKeyPair, keyId, keyKind, parsePrivateKeyPem, parsePublicKeyPem, publicKeyPem } from "./keys.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/keys");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

// Expected key ids computed independently:
//   openssl pkey -pubin -in X.pub -outform DER | openssl dgst -sha256 -binary | base64
const KEY_IDS: Record<string, string> = {
  "test-ecdsa": "yKmoUkEUjo/cDs3XH7nu3LUAyu/clwGWtWVzF78SIgU=",
  "test-ed25519": "Nzt+RKrfp9TdPSofcqKWMbafkrOt9G/rgNB6B/OpOq4=",
  "test-ecdsa-pkcs8": "JftYe3wE+kIwSMgdUFJ73HQoBshaVTnezPl8PsDRWvc=",
  "test-ecdsa-sec1": "tfYgN/iNdsWIOiofN34y7Yu8czUcoSfadYd2KQ98Bi4=",
  "test-ed25519-pkcs8": "x0Nfce/twJ/37gZq6JG7i5yETykxozPemzHJjktEh4g=",
};

/** A getPassword that counts its calls. */
function passwords(value = "test-password") {
  const calls = { n: 0 };
  return { calls, get: async () => (calls.n++, value) };
}

describe("generateKeyPair", () => {
  for (const kind of ["ecdsa-p256", "ed25519"] as const) {
    test(kind, () => {
      const { privateKey, publicKey } = generateKeyPair(kind);
      expect(privateKey.type).toBe("private");
      expect(publicKey.type).toBe("public");
      expect(keyKind(privateKey)).toBe(kind);
      expect(keyKind(publicKey)).toBe(kind);
      expect(keyId(privateKey)).toBe(keyId(publicKey));
      expect(Buffer.from(keyId(publicKey), "base64").length).toBe(32);
    });
  }

  test("two generated keys differ", () => {
    expect(keyId(generateKeyPair("ed25519").publicKey)).not.toBe(keyId(generateKeyPair("ed25519").publicKey));
  });
});

describe("keyId", () => {
  for (const [name, id] of Object.entries(KEY_IDS)) {
    test(`${name}.pub → base64(sha256(SPKI DER))`, () => {
      expect(keyId(parsePublicKeyPem(fixture(`${name}.pub`), name))).toBe(id);
    });
  }
});

describe("parsePrivateKeyPem", () => {
  test("cosign encrypted keys ask for the password once", async () => {
    for (const name of ["test-ecdsa", "test-ed25519"]) {
      const pw = passwords();
      const key = await parsePrivateKeyPem(fixture(`${name}.key`), name, pw.get);
      expect(keyId(key)).toBe(KEY_IDS[name] as string);
      expect(pw.calls.n).toBe(1);
    }
  });

  test("unencrypted PKCS#8 (ECDSA, Ed25519) and SEC1 never ask for a password", async () => {
    for (const name of ["test-ecdsa-pkcs8", "test-ed25519-pkcs8", "test-ecdsa-sec1"]) {
      const pw = passwords();
      const key = await parsePrivateKeyPem(fixture(`${name}.key`), name, pw.get);
      expect(keyId(key)).toBe(KEY_IDS[name] as string);
      expect(pw.calls.n).toBe(0);
    }
    const sec1 = await parsePrivateKeyPem(fixture("test-ecdsa-sec1.key"), "k", passwords().get);
    expect(keyKind(sec1)).toBe("ecdsa-p256");
  });

  test("text around the PEM block is ignored", async () => {
    const text = `comment line\n${fixture("test-ed25519-pkcs8.key")}\ntrailer\n`;
    expect(keyId(await parsePrivateKeyPem(text, "k", passwords().get))).toBe(KEY_IDS["test-ed25519-pkcs8"] as string);
  });

  test("CRLF line endings (keys edited on Windows)", async () => {
    for (const name of ["test-ecdsa", "test-ecdsa-sec1"]) {
      const text = fixture(`${name}.key`).replace(/\n/g, "\r\n");
      expect(keyId(await parsePrivateKeyPem(text, name, passwords().get))).toBe(KEY_IDS[name] as string);
    }
  });

  test("wrong password → KEY_PASSWORD", async () => {
    await expectCode(() => parsePrivateKeyPem(fixture("test-ecdsa.key"), "k", passwords("nope").get), "KEY_PASSWORD");
  });

  test("a public key where a private key belongs → KEY_INVALID", async () => {
    await expectCode(() => parsePrivateKeyPem(fixture("test-ecdsa.pub"), "k", passwords().get), "KEY_INVALID");
  });

  test("unsupported key types and formats → KEY_INVALID", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey;
    const cases = [
      rsa.export({ format: "pem", type: "pkcs8" }).toString(),
      rsa.export({ format: "pem", type: "pkcs1" }).toString(),
      p384.export({ format: "pem", type: "pkcs8" }).toString(),
      p384.export({ format: "pem", type: "sec1" }).toString(),
      rsa.export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "x" }).toString(),
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
      "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
      "no pem here",
    ];
    for (const pem of cases) await expectCode(() => parsePrivateKeyPem(pem, "k", passwords().get), "KEY_INVALID");
  });

  test("OpenSSL legacy-encrypted EC PRIVATE KEY → KEY_INVALID", async () => {
    const pem = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n";
    await expectCode(() => parsePrivateKeyPem(pem, "k", passwords().get), "KEY_INVALID");
  });
});

describe("parsePublicKeyPem", () => {
  test("round-trips publicKeyPem", () => {
    const { publicKey } = generateKeyPair("ecdsa-p256");
    expect(keyId(parsePublicKeyPem(publicKeyPem(publicKey), "p"))).toBe(keyId(publicKey));
  });

  test("a private key or garbage where a public key belongs → KEY_INVALID", async () => {
    await expectCode(() => parsePublicKeyPem(fixture("test-ecdsa-pkcs8.key"), "p"), "KEY_INVALID");
    await expectCode(() => parsePublicKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "p"), "KEY_INVALID");
    const rsaPub = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    await expectCode(() => parsePublicKeyPem(rsaPub.export({ format: "pem", type: "spki" }).toString(), "p"), "KEY_INVALID");
  });
});
