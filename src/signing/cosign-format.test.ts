import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../test-helpers.ts";
import { COSIGN_PEM_TYPE, SIGSTORE_PEM_TYPE, decryptPrivateKey, encryptPrivateKey } from "./cosign-format.ts";
import { generateKeyPair, keyId } from "./keys.ts";
import { decodePem, encodePem } from "./pem.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/keys");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const PASSWORD = "test-password";

interface EncBody {
  kdf?: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}
/** The decoded JSON body of an encrypted key PEM. */
function body(pem: string): EncBody & { kdf: NonNullable<EncBody["kdf"]> } {
  return JSON.parse(new TextDecoder().decode(decodePem(pem, "t").der));
}
/** Re-wraps a modified JSON body into a PEM of the given type. */
function rewrap(json: unknown, type = SIGSTORE_PEM_TYPE): string {
  return encodePem(type, new TextEncoder().encode(JSON.stringify(json)));
}

describe("encryptPrivateKey / decryptPrivateKey", () => {
  for (const kind of ["ecdsa-p256", "ed25519"] as const) {
    test(`${kind} round trip`, async () => {
      const { privateKey, publicKey } = generateKeyPair(kind);
      const pem = await encryptPrivateKey(privateKey, PASSWORD);
      const back = await decryptPrivateKey(pem, PASSWORD, "mem");
      expect(back.type).toBe("private");
      expect(keyId(back)).toBe(keyId(publicKey));
      expect(back.export({ format: "der", type: "pkcs8" }).equals(
        privateKey.export({ format: "der", type: "pkcs8" }),
      )).toBe(true);
    });
  }

  test("writes cosign's layout: PEM type, 64-column lines, Go JSON field order, sizes", async () => {
    const pem = await encryptPrivateKey(generateKeyPair("ecdsa-p256").privateKey, PASSWORD);
    const lines = pem.trimEnd().split("\n");
    expect(lines[0]).toBe(`-----BEGIN ${SIGSTORE_PEM_TYPE}-----`);
    expect(lines.at(-1)).toBe(`-----END ${SIGSTORE_PEM_TYPE}-----`);
    expect(lines.slice(1, -2).every((l) => l.length === 64)).toBe(true);
    const raw = new TextDecoder().decode(decodePem(pem, "t").der);
    expect(raw).toMatch(
      /^\{"kdf":\{"name":"scrypt","params":\{"N":32768,"r":8,"p":1\},"salt":"[^"]+"\},"cipher":\{"name":"nacl\/secretbox","nonce":"[^"]+"\},"ciphertext":"[^"]+"\}$/,
    );
    const json = body(pem);
    expect(Buffer.from(json.kdf.salt, "base64").length).toBe(32);
    expect(Buffer.from(json.cipher.nonce, "base64").length).toBe(24);
    // P-256 PKCS#8 DER (138 bytes) + 16-byte Poly1305 tag.
    expect(Buffer.from(json.ciphertext, "base64").length).toBe(138 + 16);
  });

  test("reads N from the file (N=65536, what current cosign writes)", async () => {
    const { privateKey } = generateKeyPair("ed25519");
    const pem = await encryptPrivateKey(privateKey, PASSWORD, { N: 65536 });
    expect(body(pem).kdf.params.N).toBe(65536);
    expect(keyId(await decryptPrivateKey(pem, PASSWORD, "mem"))).toBe(keyId(privateKey));
  });

  test("reads the older ENCRYPTED COSIGN PRIVATE KEY type", async () => {
    const { privateKey } = generateKeyPair("ecdsa-p256");
    const pem = rewrap(body(await encryptPrivateKey(privateKey, PASSWORD)), COSIGN_PEM_TYPE);
    expect(keyId(await decryptPrivateKey(pem, PASSWORD, "mem"))).toBe(keyId(privateKey));
  });

  test("empty password is a valid password (cosign allows it)", async () => {
    const { privateKey } = generateKeyPair("ed25519");
    const pem = await encryptPrivateKey(privateKey, "");
    expect(keyId(await decryptPrivateKey(pem, "", "mem"))).toBe(keyId(privateKey));
    await expectCode(() => decryptPrivateKey(pem, " ", "mem"), "KEY_PASSWORD");
  });

  test("committed fixture decrypts to the committed public key", async () => {
    const key = await decryptPrivateKey(fixture("test-ecdsa.key"), PASSWORD, "test-ecdsa.key");
    // openssl pkey -pubin -in test-ecdsa.pub -outform DER | openssl dgst -sha256 -binary | base64
    expect(keyId(key)).toBe("yKmoUkEUjo/cDs3XH7nu3LUAyu/clwGWtWVzF78SIgU=");
  });

  test("wrong password → KEY_PASSWORD", async () => {
    await expectCode(() => decryptPrivateKey(fixture("test-ed25519.key"), "wrong", "k"), "KEY_PASSWORD");
  });

  test("tampered ciphertext → KEY_PASSWORD (authenticated encryption)", async () => {
    const json = body(fixture("test-ed25519.key"));
    const ct = Buffer.from(json.ciphertext, "base64");
    ct[5] = (ct[5] as number) ^ 1;
    json.ciphertext = ct.toString("base64");
    await expectCode(() => decryptPrivateKey(rewrap(json), PASSWORD, "k"), "KEY_PASSWORD");
  });

  test("tampered salt → KEY_PASSWORD", async () => {
    const json = body(fixture("test-ed25519.key"));
    const salt = Buffer.from(json.kdf.salt, "base64");
    salt[0] = (salt[0] as number) ^ 1;
    json.kdf.salt = salt.toString("base64");
    await expectCode(() => decryptPrivateKey(rewrap(json), PASSWORD, "k"), "KEY_PASSWORD");
  });

  const malformed: Array<[string, (j: ReturnType<typeof body>) => unknown]> = [
    ["unsupported N (DoS guard)", (j) => ((j.kdf.params.N = 1 << 20), j)],
    ["r != 8", (j) => ((j.kdf.params.r = 1), j)],
    ["unknown kdf", (j) => ((j.kdf.name = "argon2"), j)],
    ["unknown cipher", (j) => ((j.cipher.name = "aes-gcm"), j)],
    ["short nonce", (j) => ((j.cipher.nonce = "AAAA"), j)],
    ["non-base64 ciphertext", (j) => ((j.ciphertext = "!!!"), j)],
    ["missing kdf", (j) => ({ ...j, kdf: undefined })],
    ["not JSON", () => "not json"],
  ];
  for (const [name, mutate] of malformed) {
    test(`malformed: ${name} → KEY_INVALID`, async () => {
      const json = mutate(body(fixture("test-ed25519.key")));
      const pem = typeof json === "string" ? encodePem(SIGSTORE_PEM_TYPE, new TextEncoder().encode(json)) : rewrap(json);
      await expectCode(() => decryptPrivateKey(pem, PASSWORD, "bad.key"), "KEY_INVALID");
    });
  }

  test("not a PEM at all → KEY_INVALID", async () => {
    await expectCode(() => decryptPrivateKey("hello", PASSWORD, "k"), "KEY_INVALID");
  });
});
