import { describe, expect, test } from "bun:test";
import { createHash, type KeyObject } from "node:crypto";
import { expectCode } from "../test-helpers.ts";
import { generateKeyPair, keyId, type KeyKind } from "./keys.ts";
import { IN_TOTO_PAYLOAD_TYPE, signStatement } from "./sign.ts";
import { verifyBundle as verify } from "../trust/verifier.ts";

/** The one verifier with keys only (no trusted roots), and the signer's key id at hand. */
function verifyBundle(bytes: Uint8Array, keys: KeyObject[]) {
  const v = verify(bytes, { keys, roots: [] });
  return { ...v, keyId: v.signer.kind === "key" ? v.signer.keyId : undefined };
}

const enc = (s: string) => new TextEncoder().encode(s);
const STATEMENT = {
  _type: "https://in-toto.io/Statement/v1",
  subject: [{ name: "app.tar", digest: { sha256: "a".repeat(64) } }],
  predicateType: "https://example.com/test/v1",
  predicate: { note: "héllo" },
};
const PAYLOAD = enc(JSON.stringify(STATEMENT));

interface BundleJson {
  mediaType: string;
  verificationMaterial: { publicKey: { hint: string }; tlogEntries?: unknown[] };
  dsseEnvelope: { payload: string; payloadType: string; signatures: Array<{ sig: string; keyid: string }> };
}
const parse = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as BundleJson;
const bytesOf = (j: unknown) => enc(JSON.stringify(j));

/** Flips one bit of byte `at` inside a base64 field. */
function flipB64(b64: string, at: number): string {
  const buf = Buffer.from(b64, "base64");
  buf[at] = (buf[at] as number) ^ 1;
  return buf.toString("base64");
}

const KINDS: KeyKind[] = ["ecdsa-p256", "ed25519"];

for (const kind of KINDS) {
  describe(`sign → verify (${kind})`, () => {
    const { privateKey, publicKey } = generateKeyPair(kind);
    const other = generateKeyPair(kind).publicKey;
    let bundle: Uint8Array;

    test("produces a v0.3 key-based DSSE bundle with hint = keyid = keyId", async () => {
      bundle = await signStatement(PAYLOAD, privateKey);
      const j = parse(bundle);
      expect(j.mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
      expect(j.verificationMaterial.publicKey.hint).toBe(keyId(publicKey));
      expect(j.dsseEnvelope.signatures.length).toBe(1);
      expect(j.dsseEnvelope.signatures[0]?.keyid).toBe(keyId(publicKey));
      expect(j.dsseEnvelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
      expect(Buffer.from(j.dsseEnvelope.payload, "base64").equals(Buffer.from(PAYLOAD))).toBe(true);
    });

    test("round trip returns the exact signed bytes, the type, the key id and the statement", () => {
      const v = verifyBundle(bundle, [publicKey]);
      expect(Buffer.from(v.payload!).equals(Buffer.from(PAYLOAD))).toBe(true);
      expect(v.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
      expect(v.keyId).toBe(keyId(publicKey));
      expect(v.statement).toEqual(STATEMENT);
    });

    test("every key is tried: the right key may come after wrong ones", () => {
      expect(verifyBundle(bundle, [other, generateKeyPair("ed25519").publicKey, publicKey]).keyId).toBe(keyId(publicKey));
    });

    test("the wrong key → VERIFY_FAILED", async () => {
      await expectCode(() => verifyBundle(bundle, [other]), "VERIFY_FAILED");
    });

    test("the hint never decides trust: a hint naming the trusted key does not help a wrong signer", async () => {
      const forged = parse(await signStatement(PAYLOAD, generateKeyPair(kind).privateKey));
      forged.verificationMaterial.publicKey.hint = keyId(publicKey);
      forged.dsseEnvelope.signatures[0]!.keyid = keyId(publicKey);
      await expectCode(() => verifyBundle(bytesOf(forged), [publicKey]), "VERIFY_FAILED");
      // ...and a garbage hint does not stop the right key.
      const j = parse(bundle);
      j.verificationMaterial.publicKey.hint = "nonsense";
      j.dsseEnvelope.signatures[0]!.keyid = "";
      expect(verifyBundle(bytesOf(j), [publicKey]).keyId).toBe(keyId(publicKey));
    });

    test("a one-byte change in the payload → VERIFY_FAILED", async () => {
      const j = parse(bundle);
      j.dsseEnvelope.payload = flipB64(j.dsseEnvelope.payload, 10);
      await expectCode(() => verifyBundle(bytesOf(j), [publicKey]), "VERIFY_FAILED");
    });

    test("a one-byte change in the signature → VERIFY_FAILED", async () => {
      const j = parse(bundle);
      const sig = j.dsseEnvelope.signatures[0]!;
      sig.sig = flipB64(sig.sig, Buffer.from(sig.sig, "base64").length - 5);
      await expectCode(() => verifyBundle(bytesOf(j), [publicKey]), "VERIFY_FAILED");
    });

    test("a changed payloadType → VERIFY_FAILED (it is inside the PAE)", async () => {
      const j = parse(bundle);
      j.dsseEnvelope.payloadType = "application/vnd.in-toto.other+json";
      await expectCode(() => verifyBundle(bytesOf(j), [publicKey]), "VERIFY_FAILED");
    });

    test("URL-safe base64 is accepted", () => {
      const j = parse(bundle);
      const url = (s: string) => Buffer.from(s, "base64").toString("base64url");
      j.dsseEnvelope.payload = url(j.dsseEnvelope.payload);
      j.dsseEnvelope.signatures[0]!.sig = url(j.dsseEnvelope.signatures[0]!.sig);
      expect(verifyBundle(bytesOf(j), [publicKey]).statement).toEqual(STATEMENT);
    });

    test("a bare DSSE envelope verifies too (std and URL-safe base64), and fails when tampered", async () => {
      const env = parse(bundle).dsseEnvelope;
      expect(verifyBundle(bytesOf(env), [other, publicKey]).keyId).toBe(keyId(publicKey));
      const url = { ...env, payload: Buffer.from(env.payload, "base64").toString("base64url").replace(/=+$/, "") };
      expect(verifyBundle(bytesOf(url), [publicKey]).statement).toEqual(STATEMENT);
      await expectCode(() => verifyBundle(bytesOf({ ...env, payload: flipB64(env.payload, 3) }), [publicKey]), "VERIFY_FAILED");
      await expectCode(() => verifyBundle(bytesOf(env), [other]), "VERIFY_FAILED");
    });
  });
}

describe("signStatement", () => {
  test("a public key cannot sign → KEY_INVALID", async () => {
    await expectCode(() => signStatement(PAYLOAD, generateKeyPair("ed25519").publicKey), "KEY_INVALID");
  });

  test("ed25519: same payload + key → identical bundle bytes", async () => {
    const { privateKey } = generateKeyPair("ed25519");
    const a = await signStatement(PAYLOAD, privateKey);
    const b = await signStatement(PAYLOAD, privateKey);
    expect(createHash("sha256").update(a).digest("hex")).toBe(createHash("sha256").update(b).digest("hex"));
  });
});

describe("verifyBundle failure reasons (all VERIFY_FAILED)", () => {
  const { privateKey, publicKey } = generateKeyPair("ecdsa-p256");
  const keys: KeyObject[] = [publicKey];

  test("bad JSON, non-UTF-8, non-object, unknown shape", async () => {
    for (const input of [enc("{not json"), new Uint8Array([0xff, 0xfe]), enc("[1,2]"), enc("42"), enc('{"hello":1}')]) {
      await expectCode(() => verifyBundle(input, keys), "VERIFY_FAILED");
    }
  });

  test("no keys given", async () => {
    const bundle = await signStatement(PAYLOAD, privateKey);
    await expectCode(() => verifyBundle(bundle, []), "VERIFY_FAILED");
  });

  test("payload that is not JSON verifies, with no statement (callers that need one refuse it)", async () => {
    const bundle = await signStatement(enc("not json at all"), privateKey);
    const v = verifyBundle(bundle, keys);
    expect(v.statement).toBeUndefined();
    expect(new TextDecoder().decode(v.payload)).toBe("not json at all");
  });

  test("structurally invalid bundle (two DSSE signatures, unknown mediaType)", async () => {
    const j = parse(await signStatement(PAYLOAD, privateKey));
    j.dsseEnvelope.signatures.push(j.dsseEnvelope.signatures[0]!);
    await expectCode(() => verifyBundle(bytesOf(j), keys), "VERIFY_FAILED");
    const k = parse(await signStatement(PAYLOAD, privateKey));
    k.mediaType = "application/vnd.dev.sigstore.bundle.v9+json";
    await expectCode(() => verifyBundle(bytesOf(k), keys), "VERIFY_FAILED");
  });

  test("message-signature bundle (not an attestation)", async () => {
    const j = parse(await signStatement(PAYLOAD, privateKey)) as unknown as Record<string, unknown>;
    delete j.dsseEnvelope;
    j.messageSignature = { messageDigest: { algorithm: "SHA2_256", digest: "AAAA" }, signature: "AAAA" };
    await expectCode(() => verifyBundle(bytesOf(j), keys), "VERIFY_FAILED");
  });

  test("certificate (keyless) bundle", async () => {
    const j = parse(await signStatement(PAYLOAD, privateKey)) as unknown as { verificationMaterial: Record<string, unknown> };
    delete j.verificationMaterial.publicKey;
    j.verificationMaterial.certificate = { rawBytes: "MIIB" };
    await expectCode(() => verifyBundle(bytesOf(j), keys), "VERIFY_FAILED");
  });

  test("bare envelope without signatures or with a non-base64 sig", async () => {
    const env = parse(await signStatement(PAYLOAD, privateKey)).dsseEnvelope;
    await expectCode(() => verifyBundle(bytesOf({ ...env, signatures: [] }), keys), "VERIFY_FAILED");
    await expectCode(() => verifyBundle(bytesOf({ ...env, signatures: [{ sig: "!!" }] }), keys), "VERIFY_FAILED");
  });
});

describe("transparency-log material (e.g. from cosign attest) is ignored offline, not trusted", () => {
  test("a bundle carrying an unverifiable tlog entry still verifies by key", async () => {
    const { privateKey, publicKey } = generateKeyPair("ecdsa-p256");
    const j = parse(await signStatement(PAYLOAD, privateKey));
    j.verificationMaterial.tlogEntries = [
      {
        logIndex: "1",
        logId: { keyId: "AAAA" },
        kindVersion: { kind: "dsse", version: "0.0.1" },
        integratedTime: "1700000000",
        inclusionPromise: { signedEntryTimestamp: "AAAA" },
        inclusionProof: { logIndex: "1", rootHash: "AAAA", treeSize: "2", hashes: [], checkpoint: { envelope: "x" } },
        canonicalizedBody: "e30=",
      },
    ];
    expect(verifyBundle(bytesOf(j), [publicKey]).keyId).toBe(keyId(publicKey));
  });
});
