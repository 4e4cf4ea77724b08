import { describe, expect, test } from "bun:test";
import { CairnError } from "../../errors.ts";
import { parseCreateEntryRequest } from "./request.ts";

const b64 = (b: Uint8Array | string) => Buffer.from(b).toString("base64");
const D32 = b64(new Uint8Array(32).fill(7));
const CERT = b64("not really a certificate");

const hashed = (over: Record<string, unknown> = {}, verifier: Record<string, unknown> = {}) => ({
  hashedRekordRequestV002: {
    digest: D32,
    signature: { content: b64("sig"), verifier: { x509Certificate: { rawBytes: CERT }, keyDetails: "PKIX_ECDSA_P256_SHA_256", ...verifier } },
    ...over,
  },
});
const dsse = (over: Record<string, unknown> = {}) => ({
  dsseRequestV002: {
    envelope: { payload: b64("{}"), payloadType: "application/vnd.in-toto+json", signatures: [{ sig: b64("sig"), keyid: "" }] },
    verifiers: [{ publicKey: { rawBytes: b64("spki") }, keyDetails: "PKIX_ED25519" }],
    ...over,
  },
});

function refusal(body: unknown): string {
  try {
    parseCreateEntryRequest(body);
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).code).toBe("USAGE");
    return (e as CairnError).message;
  }
  throw new Error("expected USAGE");
}

describe("parseCreateEntryRequest", () => {
  test("a hashedrekord request (as @sigstore/sign sends it) parses into bytes", () => {
    const r = parseCreateEntryRequest(hashed());
    expect(r).toEqual({ kind: "hashedrekord", digest: new Uint8Array(32).fill(7), signature: new Uint8Array(Buffer.from("sig")), verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: new Uint8Array(Buffer.from("not really a certificate")) } });
  });

  test("proto field names, URL-safe and unpadded base64 and nulls are read as protojson reads them", () => {
    const r = parseCreateEntryRequest({
      hashed_rekord_request_v002: { digest: Buffer.from(new Uint8Array(32).fill(0xfb)).toString("base64url"), signature: { content: "c2ln", verifier: { public_key: { raw_bytes: "c3BraQ" }, x509Certificate: null, key_details: "PKIX_ECDSA_P256_SHA_256" } } },
      dsseRequestV002: null,
    });
    expect(r.kind).toBe("hashedrekord");
    if (r.kind !== "hashedrekord") return;
    expect(Buffer.from(r.digest).equals(Buffer.alloc(32, 0xfb))).toBe(true);
    expect(Buffer.from(r.verifier.publicKey!).toString()).toBe("spki");
  });

  test("a DSSE request parses with every signature and verifier", () => {
    const r = parseCreateEntryRequest(dsse());
    expect(r).toMatchObject({ kind: "dsse", payloadType: "application/vnd.in-toto+json", signatures: [new Uint8Array(Buffer.from("sig"))], verifiers: [{ keyDetails: "PKIX_ED25519" }] });
  });

  test("exactly one request kind", () => {
    expect(refusal({})).toMatch(/neither hashedRekordRequestV002 nor dsseRequestV002/);
    expect(refusal({ ...hashed(), ...dsse() })).toMatch(/both hashedRekordRequestV002 and dsseRequestV002/);
    expect(refusal({ hashedRekordRequestV001: {} })).toMatch(/the request\.hashedRekordRequestV001 is not a known field/);
    expect(refusal([])).toMatch(/the request must be a JSON object/);
  });

  test("missing, mistyped and unknown fields are named", () => {
    expect(refusal(hashed({ digest: undefined }))).toMatch(/hashedRekordRequestV002\.digest is missing/);
    expect(refusal(hashed({ signature: { verifier: {} } }))).toMatch(/hashedRekordRequestV002\.signature\.content is missing/);
    expect(refusal(hashed({ extra: 1 }))).toMatch(/hashedRekordRequestV002\.extra is not a known field/);
    expect(refusal(hashed({ digest: 5 }))).toMatch(/hashedRekordRequestV002\.digest must be a string/);
    expect(refusal(hashed({}, { keyDetails: undefined }))).toMatch(/signature\.verifier\.keyDetails is missing/);
  });

  test("base64 is checked (no stray characters, mixed alphabets or wrong padding)", () => {
    expect(refusal(hashed({ digest: "not base64!" }))).toMatch(/hashedRekordRequestV002\.digest is not valid base64/);
    expect(refusal(hashed({ digest: "ab+_" }))).toMatch(/digest is not valid base64/);
    expect(refusal(hashed({ digest: "abc==" }))).toMatch(/digest is not valid base64/);
    expect(refusal(hashed({ digest: "" }))).toMatch(/hashedRekordRequestV002\.digest is empty/);
  });

  test("the digest length must be the keyDetails' hash size", () => {
    expect(refusal(hashed({ digest: b64(new Uint8Array(20)) }))).toMatch(/digest is 20 bytes, but keyDetails PKIX_ECDSA_P256_SHA_256 signs a SHA2_256 digest of 32 bytes/);
    expect(refusal(hashed({}, { keyDetails: "PKIX_ECDSA_P384_SHA_384" }))).toMatch(/32 bytes, but keyDetails PKIX_ECDSA_P384_SHA_384 signs a SHA2_384 digest of 48/);
    expect(parseCreateEntryRequest(hashed({ digest: b64(new Uint8Array(64)) }, { keyDetails: "PKIX_ECDSA_P521_SHA_512" })).kind).toBe("hashedrekord");
  });

  test("keyDetails must be on the allow-list; pure Ed25519 is refused for hashedrekord only", () => {
    expect(refusal(hashed({}, { keyDetails: "PKIX_ECDSA_P256_SHA_384" }))).toMatch(/keyDetails "PKIX_ECDSA_P256_SHA_384" is not allowed \(one of PKIX_ECDSA_P256_SHA_256, /);
    expect(refusal(hashed({}, { keyDetails: 5 }))).toMatch(/keyDetails must be a string/);
    expect(refusal(hashed({}, { keyDetails: "PKIX_ED25519" }))).toMatch(/PKIX_ED25519 \(pure Ed25519\) signs the message itself/);
  });

  test("exactly one of x509Certificate and publicKey, with rawBytes", () => {
    expect(refusal(hashed({}, { x509Certificate: undefined }))).toMatch(/signature\.verifier must hold exactly one of x509Certificate and publicKey, got neither/);
    expect(refusal(hashed({}, { publicKey: { rawBytes: CERT } }))).toMatch(/got both/);
    expect(refusal(hashed({}, { x509Certificate: {} }))).toMatch(/verifier\.x509Certificate\.rawBytes is missing/);
  });

  test("DSSE: payload, payloadType, at least one signature and verifier", () => {
    const env = (e: Record<string, unknown>) => dsse({ envelope: { payload: b64("{}"), payloadType: "t", signatures: [{ sig: b64("s") }], ...e } });
    expect(refusal(env({ payload: undefined }))).toMatch(/dsseRequestV002\.envelope\.payload is missing/);
    expect(refusal(env({ payloadType: "" }))).toMatch(/dsseRequestV002\.envelope\.payloadType is empty/);
    expect(refusal(env({ signatures: [] }))).toMatch(/envelope\.signatures is empty/);
    expect(refusal(env({ signatures: [{ sig: b64("s"), keyid: 3 }] }))).toMatch(/signatures\[0\]\.keyid must be a string/);
    expect(refusal(env({ signatures: [{ keyid: "" }] }))).toMatch(/signatures\[0\]\.sig is missing/);
    expect(refusal(dsse({ verifiers: [] }))).toMatch(/dsseRequestV002\.verifiers is empty/);
    expect(refusal(dsse({ verifiers: [{ keyDetails: "PKIX_ED25519" }] }))).toMatch(/dsseRequestV002\.verifiers\[0\] must hold exactly one/);
  });
});
