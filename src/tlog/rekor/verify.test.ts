import { beforeAll, describe, expect, test } from "bun:test";
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { CairnError, type ErrorCode } from "../../errors.ts";
import { pae } from "../../signing/pae.ts";
import { issueLeaf, makeCa, type Leaf } from "../../trust/testkit.testutil.ts";
import type { EntryRequest, Verifier } from "./request.ts";
import { toLoggedEntry } from "./verify.ts";

const DATA = new TextEncoder().encode("the artifact");
const TYPE = "application/vnd.in-toto+json";
const PAYLOAD = new TextEncoder().encode('{"_type":"https://in-toto.io/Statement/v1"}');
const spki = (k: KeyObject) => new Uint8Array(k.export({ format: "der", type: "spki" }));
const u8 = (b: Buffer) => new Uint8Array(b);

let leaf: Leaf;
beforeAll(async () => {
  leaf = await issueLeaf(await makeCa("rekor"));
});

function caught(req: EntryRequest, code: ErrorCode): CairnError {
  try {
    toLoggedEntry(req);
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).code).toBe(code);
    return e as CairnError;
  }
  throw new Error(`expected ${code}`);
}
const failure = (req: EntryRequest, code: ErrorCode): string => caught(req, code).message;

/** node's sign(hash, data) is a prehash signature over hash(data): the hashedrekord digest. */
function hashedFor(curve: "P-256" | "P-384" | "P-521", hash: "sha256" | "sha384" | "sha512", keyDetails: string) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
  const digest = u8(createHash(hash).update(DATA).digest());
  const req: EntryRequest = { kind: "hashedrekord", digest, signature: u8(sign(hash, DATA, privateKey)), verifier: { keyDetails, publicKey: spki(publicKey) } };
  return { req, privateKey };
}

describe("hashedrekord", () => {
  test("P-256 with a certificate: verifies over the digest and is logged as given", () => {
    const digest = u8(createHash("sha256").update(DATA).digest());
    const verifier: Verifier = { keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: leaf.der };
    const signature = u8(sign("sha256", DATA, leaf.key));
    expect(toLoggedEntry({ kind: "hashedrekord", digest, signature, verifier })).toEqual({ digest, algorithm: "SHA2_256", signature, verifier });
  });

  test("P-384 and P-521 with a public key (SHA-384 / SHA-512 digests)", () => {
    expect(toLoggedEntry(hashedFor("P-384", "sha384", "PKIX_ECDSA_P384_SHA_384").req).algorithm).toBe("SHA2_384");
    expect(toLoggedEntry(hashedFor("P-521", "sha512", "PKIX_ECDSA_P521_SHA_512").req).algorithm).toBe("SHA2_512");
  });

  test("a signature over another digest, a flipped signature byte, or another key: VERIFY_FAILED", () => {
    for (const [curve, hash, kd] of [["P-256", "sha256", "PKIX_ECDSA_P256_SHA_256"], ["P-384", "sha384", "PKIX_ECDSA_P384_SHA_384"]] as const) {
      const { req } = hashedFor(curve, hash, kd);
      if (req.kind !== "hashedrekord") throw new Error("unreachable");
      const other = u8(createHash(hash).update("other data").digest());
      expect(failure({ ...req, digest: other }, "VERIFY_FAILED")).toMatch(/^the signature does not verify over the SHA2_\d+ digest with the verifier's public key/);
      const flipped = new Uint8Array(req.signature);
      flipped[flipped.length - 1]! ^= 1;
      expect(failure({ ...req, signature: flipped }, "VERIFY_FAILED")).toMatch(/does not verify/);
      expect(failure({ ...req, signature: new Uint8Array([1, 2, 3]) }, "VERIFY_FAILED")).toMatch(/does not verify/);
      const stranger = hashedFor(curve, hash, kd).req as Extract<EntryRequest, { kind: "hashedrekord" }>;
      expect(failure({ ...req, verifier: stranger.verifier }, "VERIFY_FAILED")).toMatch(/does not verify/);
    }
  });

  test("keyDetails must name the key's curve", () => {
    const { req } = hashedFor("P-384", "sha384", "PKIX_ECDSA_P384_SHA_384");
    if (req.kind !== "hashedrekord") throw new Error("unreachable");
    const as256 = { ...req, digest: req.digest.subarray(0, 32), verifier: { ...req.verifier, keyDetails: "PKIX_ECDSA_P256_SHA_256" } };
    expect(failure(as256, "USAGE")).toMatch(/keyDetails PKIX_ECDSA_P256_SHA_256 names an ECDSA P-256 key, but the public key is ECDSA P-384/);
    const cert = { ...req, verifier: { keyDetails: "PKIX_ECDSA_P384_SHA_384", x509Certificate: leaf.der } };
    expect(failure(cert, "USAGE")).toMatch(/names an ECDSA P-384 key, but the certificate's key is ECDSA P-256/);
  });

  test("RSA and Ed25519ph are refused naming what is supported; junk keys are named", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const digest = u8(createHash("sha256").update(DATA).digest());
    const msg = failure({ kind: "hashedrekord", digest, signature: u8(sign("sha256", DATA, rsa.privateKey)), verifier: { keyDetails: "PKIX_RSA_PKCS1V15_2048_SHA256", publicKey: spki(rsa.publicKey) } }, "USAGE");
    expect(msg).toMatch(/keyDetails PKIX_RSA_PKCS1V15_2048_SHA256 is not supported by this log/);
    const ph = caught({ kind: "hashedrekord", digest: new Uint8Array(64), signature: new Uint8Array(64), verifier: { keyDetails: "PKIX_ED25519_PH", publicKey: new Uint8Array(44) } }, "USAGE");
    expect(ph.message).toMatch(/PKIX_ED25519_PH is not supported/);
    expect(ph.hint).toBe("supported: PKIX_ECDSA_P256_SHA_256, PKIX_ECDSA_P384_SHA_384, PKIX_ECDSA_P521_SHA_512, PKIX_ED25519 (PKIX_ED25519 only in a DSSE request)");
    const junk = { kind: "hashedrekord" as const, digest, signature: new Uint8Array(8) };
    expect(failure({ ...junk, verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: new Uint8Array([48, 3, 1, 1, 1]) } }, "USAGE")).toMatch(/signature\.verifier\.x509Certificate\.rawBytes is not a DER X\.509 certificate/);
    expect(failure({ ...junk, verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", publicKey: new Uint8Array([1, 2]) } }, "USAGE")).toMatch(/publicKey\.rawBytes is not a DER SubjectPublicKeyInfo/);
  });
});

test("an entry body over the 65,535 bytes an entry bundle record holds: TOO_LARGE", () => {
  const { req } = hashedFor("P-256", "sha256", "PKIX_ECDSA_P256_SHA_256");
  if (req.kind !== "hashedrekord") throw new Error("unreachable");
  expect(failure({ ...req, signature: new Uint8Array(49_000) }, "TOO_LARGE")).toMatch(/^the entry body would be 65\d{3} bytes; a log entry is at most 65535$/);
  expect(toLoggedEntry({ ...req }).signature).toEqual(req.signature);
});

describe("DSSE, normalised into a hashedrekord over the PAE", () => {
  const signed = pae(TYPE, PAYLOAD);
  const dsseReq = (signatures: Uint8Array[], verifiers: Verifier[], payload = PAYLOAD): EntryRequest => ({ kind: "dsse", payload, payloadType: TYPE, signatures, verifiers });

  test("P-256 certificate: digest SHA-256(PAE), the envelope signature, the certificate", () => {
    const sig = u8(sign("sha256", signed, leaf.key));
    const verifier = { keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: leaf.der };
    expect(toLoggedEntry(dsseReq([sig], [verifier]))).toEqual({ digest: u8(createHash("sha256").update(signed).digest()), algorithm: "SHA2_256", signature: sig, verifier });
  });

  test("pure Ed25519 public key, found among several verifiers", () => {
    const ed = generateKeyPairSync("ed25519");
    const sig = u8(sign(null, signed, ed.privateKey));
    const edV = { keyDetails: "PKIX_ED25519", publicKey: spki(ed.publicKey) };
    const h = toLoggedEntry(dsseReq([sig], [{ keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: leaf.der }, edV]));
    expect(h.verifier).toEqual(edV);
    expect(Buffer.from(h.digest).equals(createHash("sha256").update(signed).digest())).toBe(true);
  });

  test("P-384 verifies with SHA-384 and is logged with a SHA-384 digest of the PAE", () => {
    const k = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const h = toLoggedEntry(dsseReq([u8(sign("sha384", signed, k.privateKey))], [{ keyDetails: "PKIX_ECDSA_P384_SHA_384", publicKey: spki(k.publicKey) }]));
    expect(h.algorithm).toBe("SHA2_384");
    expect(Buffer.from(h.digest).equals(createHash("sha384").update(signed).digest())).toBe(true);
  });

  test("a tampered payload or payload type, or a second signature by an unlisted key: VERIFY_FAILED", () => {
    const sig = u8(sign("sha256", signed, leaf.key));
    const verifier = { keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: leaf.der };
    const tampered = new Uint8Array(PAYLOAD);
    tampered[5]! ^= 1;
    expect(failure(dsseReq([sig], [verifier], tampered), "VERIFY_FAILED")).toBe("the signature does not verify: envelope signature [0] does not verify over PAE(payloadType, payload) with the verifier");
    expect(failure({ ...dsseReq([sig], [verifier]), payloadType: "text/plain" } as EntryRequest, "VERIFY_FAILED")).toMatch(/envelope signature \[0\]/);
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(failure(dsseReq([sig, u8(sign("sha256", signed, other.privateKey))], [verifier]), "VERIFY_FAILED")).toMatch(/envelope signature \[1\] does not verify/);
  });
});
