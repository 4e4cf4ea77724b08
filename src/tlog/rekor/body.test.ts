import { describe, expect, test } from "bun:test";
import { json } from "@sigstore/core";
import { Entry } from "@sigstore/protobuf-specs/rekor/v2";
import { makeLogV2, rekorV2Entry } from "../../trust/testkit.testutil.ts";
import { canonicalBody, parseBody, type HashedRekord } from "./body.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const enc = (s: string) => new TextEncoder().encode(s);

const CERT_ENTRY: HashedRekord = {
  digest: new Uint8Array(32).fill(1),
  algorithm: "SHA2_256",
  signature: enc("sig"),
  verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", x509Certificate: enc("cert") },
};

describe("canonicalBody", () => {
  test("equals the hand-checked JCS bytes of a certificate entry", () => {
    expect(text(canonicalBody(CERT_ENTRY))).toBe(
      '{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"SHA2_256","digest":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="},' +
        '"signature":{"content":"c2ln","verifier":{"keyDetails":"PKIX_ECDSA_P256_SHA_256","x509Certificate":{"rawBytes":"Y2VydA=="}}}}}}',
    );
  });

  test("a public-key entry: standard base64 (+ and /, padded), keyDetails before publicKey", () => {
    const h: HashedRekord = { digest: new Uint8Array(48).fill(0xfb), algorithm: "SHA2_384", signature: new Uint8Array([0xff, 0xff]), verifier: { keyDetails: "PKIX_ECDSA_P384_SHA_384", publicKey: new Uint8Array([0xfb, 0xef]) } };
    expect(text(canonicalBody(h))).toBe(
      `{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"SHA2_384","digest":"${"+/v7".repeat(16)}"},` +
        '"signature":{"content":"//8=","verifier":{"keyDetails":"PKIX_ECDSA_P384_SHA_384","publicKey":{"rawBytes":"++8="}}}}}}',
    );
  });

  test("is JCS of the protojson Entry (sigstore's generated code and canonicalizer agree byte for byte)", () => {
    for (const h of [CERT_ENTRY, { ...CERT_ENTRY, verifier: { keyDetails: "PKIX_ED25519", publicKey: new Uint8Array(44).fill(9) } }]) {
      const body = canonicalBody(h);
      expect(json.canonicalize(Entry.toJSON(Entry.fromJSON(JSON.parse(text(body)))))).toBe(text(body));
    }
  });

  test("matches the body of testkit's hand-written Rekor v2 entry", () => {
    const signature = new Uint8Array([48, 69, 2, 33]);
    const tle = rekorV2Entry(makeLogV2(), CERT_ENTRY.digest, signature, enc("cert")) as { canonicalizedBody: string };
    expect(text(canonicalBody({ ...CERT_ENTRY, signature }))).toBe(Buffer.from(tle.canonicalizedBody, "base64").toString());
  });
});

describe("parseBody", () => {
  test("round-trips both verifier forms", () => {
    expect(parseBody(canonicalBody(CERT_ENTRY))).toEqual(CERT_ENTRY);
    const pk: HashedRekord = { ...CERT_ENTRY, verifier: { keyDetails: "PKIX_ECDSA_P256_SHA_256", publicKey: enc("spki") } };
    expect(parseBody(canonicalBody(pk))).toEqual(pk);
  });

  test("throws on anything else: other kinds, non-canonical bytes, bad digests", () => {
    const body = text(canonicalBody(CERT_ENTRY));
    expect(() => parseBody(enc("nope"))).toThrow("the entry body is not UTF-8 JSON");
    expect(() => parseBody(enc(body.replace('"hashedrekord"', '"dsse"')))).toThrow(/not hashedrekord\/0\.0\.2 \(kind "dsse"/);
    expect(() => parseBody(enc(body.replace('"0.0.2"', '"0.0.1"')))).toThrow(/apiVersion "0.0.1"/);
    expect(() => parseBody(enc(body.replace("SHA2_256", "MD5")))).toThrow(/data\.algorithm "MD5"/);
    expect(() => parseBody(enc(body.replace("SHA2_256", "SHA2_384")))).toThrow(/SHA2_384 digest is 32 bytes/);
    expect(() => parseBody(enc(` ${body}`))).toThrow(/not in canonical form/);
    expect(() => parseBody(enc(JSON.stringify(JSON.parse(body), null, 1)))).toThrow(/not in canonical form/);
    expect(() => parseBody(enc(body.replace('"c2ln"', '"c2ln_-"')))).toThrow(/signature\.content is not standard base64/);
    expect(() => parseBody(enc(body.replace('"keyDetails":"PKIX_ECDSA_P256_SHA_256",', "")))).toThrow(/no signature\.verifier\.keyDetails/);
  });
});
