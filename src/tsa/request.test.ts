import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { CairnError } from "../errors.ts";
import { inTempDir } from "./chain.testutil.ts";
import { MAX_TIMESTAMP_REQUEST_BYTES, parseTimestampRequest } from "./request.ts";

const DATA = Buffer.from("the signature bytes");
const SHA256 = createHash("sha256").update(DATA).digest();
const JSON_TYPE = "application/json";
const DER_TYPE = "application/timestamp-query";

function der(o: { alg?: string; params?: asn1js.AsnType; digest?: Uint8Array; version?: number; nonce?: number; policy?: string; certReq?: boolean; ext?: boolean } = {}): Uint8Array {
  const req = new pkijs.TimeStampReq({
    version: o.version ?? 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: o.alg ?? "2.16.840.1.101.3.4.2.1", ...(o.params && { algorithmParams: o.params }) }),
      hashedMessage: new asn1js.OctetString({ valueHex: o.digest ?? SHA256 }),
    }),
  });
  if (o.nonce !== undefined) req.nonce = new asn1js.Integer({ value: o.nonce });
  if (o.policy !== undefined) req.reqPolicy = o.policy;
  if (o.certReq !== undefined) req.certReq = o.certReq;
  if (o.ext) req.extensions = [new pkijs.Extension({ extnID: "1.2.3.4", critical: false, extnValue: new asn1js.Null().toBER() })];
  return new Uint8Array(req.toSchema().toBER());
}

const json = (o: Record<string, unknown> | string) => new TextEncoder().encode(typeof o === "string" ? o : JSON.stringify(o));

function refusal(f: () => unknown): CairnError {
  try {
    f();
  } catch (e) {
    if (e instanceof CairnError) return e;
    throw e;
  }
  throw new Error("expected a CairnError");
}

describe("DER TimeStampReq", () => {
  test("reads imprint, nonce, certReq and policy", () => {
    const r = parseTimestampRequest(der({ nonce: 0x1234, certReq: true, policy: "1.3.6.1.4.1.57264.2" }), DER_TYPE);
    expect(r).toEqual({ hashAlgorithm: "sha256", digest: new Uint8Array(SHA256), nonce: new Uint8Array([0x12, 0x34]), certReq: true, policy: "1.3.6.1.4.1.57264.2", form: "der" });
  });

  test("certReq defaults to false, nonce and policy to absent; media type parameters and case are ignored", () => {
    const r = parseTimestampRequest(der(), "Application/Timestamp-Query; charset=binary");
    expect(r.certReq).toBe(false);
    expect(r.nonce).toBeUndefined();
    expect(r.policy).toBeUndefined();
  });

  test("sha384 and sha512 imprints", () => {
    const d384 = createHash("sha384").update(DATA).digest();
    const d512 = createHash("sha512").update(DATA).digest();
    expect(parseTimestampRequest(der({ alg: "2.16.840.1.101.3.4.2.2", digest: d384 }), DER_TYPE).hashAlgorithm).toBe("sha384");
    expect(parseTimestampRequest(der({ alg: "2.16.840.1.101.3.4.2.3", digest: d512, params: new asn1js.Null() }), DER_TYPE).hashAlgorithm).toBe("sha512");
  });

  test("a query made by openssl ts -query (with its 64-bit nonce)", () => {
    const { q, noNonce } = inTempDir({ "data.bin": DATA }, (dir, openssl) => {
      expect(openssl("ts", "-query", "-data", "data.bin", "-sha256", "-cert", "-out", "q.tsq").code).toBe(0);
      expect(openssl("ts", "-query", "-data", "data.bin", "-sha512", "-no_nonce", "-tspolicy", "1.3.6.1.4.1.57264.2", "-out", "n.tsq").code).toBe(0);
      return { q: readFileSync(join(dir, "q.tsq")), noNonce: readFileSync(join(dir, "n.tsq")) };
    });
    const r = parseTimestampRequest(q, DER_TYPE);
    expect(r).toMatchObject({ hashAlgorithm: "sha256", digest: new Uint8Array(SHA256), certReq: true, form: "der" });
    expect(r.nonce!.byteLength).toBeGreaterThanOrEqual(8);
    const n = parseTimestampRequest(noNonce, DER_TYPE);
    expect(n).toMatchObject({ hashAlgorithm: "sha512", certReq: false, policy: "1.3.6.1.4.1.57264.2" });
    expect(n.nonce).toBeUndefined();
  });

  test("refusals say what is wrong and carry the PKIFailureInfo that fits", () => {
    const cases: [Uint8Array, string, RegExp][] = [
      [new Uint8Array(0), "badDataFormat", /is empty/],
      [new Uint8Array([0x30, 0x05, 0x02]), "badDataFormat", /not DER/],
      [new Uint8Array([...der(), 0]), "badDataFormat", /1 bytes after its TimeStampReq/],
      [new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: "x" })] }).toBER()), "badDataFormat", /not a TimeStampReq/],
      [der({ version: 2 }), "badRequest", /version 2; only version 1/],
      [der({ alg: "1.3.14.3.2.26", digest: new Uint8Array(20) }), "badAlg", /sha1 \(1\.3\.14\.3\.2\.26\), which is refused as too weak/],
      [der({ alg: "1.2.840.113549.2.5", digest: new Uint8Array(16) }), "badAlg", /md5 .*refused/],
      [der({ alg: "1.2.3.4" }), "badAlg", /1\.2\.3\.4, which this TSA does not support/],
      [der({ params: new asn1js.Integer({ value: 1 }) }), "badAlg", /has parameters/],
      [der({ digest: new Uint8Array(20) }), "badDataFormat", /hashedMessage is 20 bytes, but a sha256 digest is 32/],
      [der({ policy: "1.2.3.4.5" }), "unacceptedPolicy", /reqPolicy 1\.2\.3\.4\.5 is not a policy of this TSA/],
      [der({ ext: true }), "unacceptedExtension", /extensions \(1\.2\.3\.4\); this TSA supports none/],
    ];
    for (const [body, failure, message] of cases) {
      const e = refusal(() => parseTimestampRequest(body, DER_TYPE));
      expect(e.code).toBe("USAGE");
      expect(e.message).toMatch(message);
      expect(e.details).toEqual({ failure });
    }
  });

  test("a TSA with its own policy accepts it and refuses Sigstore's", () => {
    expect(parseTimestampRequest(der({ policy: "1.2.3.4.5" }), DER_TYPE, { policy: "1.2.3.4.5" }).policy).toBe("1.2.3.4.5");
    expect(refusal(() => parseTimestampRequest(der({ policy: "1.3.6.1.4.1.57264.2" }), DER_TYPE, { policy: "1.2.3.4.5" })).details).toEqual({ failure: "unacceptedPolicy" });
  });
});

describe("JSON request (timestamp-authority, sigstore-js)", () => {
  test("exactly what sigstore-js sends", () => {
    const r = parseTimestampRequest(json({ artifactHash: SHA256.toString("base64"), hashAlgorithm: "sha256" }), JSON_TYPE);
    expect(r).toEqual({ hashAlgorithm: "sha256", digest: new Uint8Array(SHA256), certReq: false, form: "json" });
  });

  test("all fields; algorithm in any case; nonces beyond 2^53 stay exact", () => {
    const d = createHash("sha384").update(DATA).digest().toString("base64");
    const body = `{"artifactHash":"${d}","hashAlgorithm":"SHA384","certificates":true,"nonce":123456789012345678901234,"tsaPolicyOID":"1.3.6.1.4.1.57264.2","extra":{"nonce":1}}`;
    const r = parseTimestampRequest(json(body), "application/json; charset=utf-8");
    expect(r).toMatchObject({ hashAlgorithm: "sha384", certReq: true, policy: "1.3.6.1.4.1.57264.2", form: "json" });
    expect(Buffer.from(r.nonce!).toString("hex")).toBe(123456789012345678901234n.toString(16).padStart(20, "0"));
    expect(parseTimestampRequest(json({ artifactHash: SHA256.toString("base64"), hashAlgorithm: "sha256", nonce: 255 }), JSON_TYPE).nonce).toEqual(new Uint8Array([0, 255]));
    expect(parseTimestampRequest(json({ artifactHash: SHA256.toString("base64"), hashAlgorithm: "sha256", nonce: null, certificates: null }), JSON_TYPE).nonce).toBeUndefined();
  });

  test("refusals say what is wrong and carry the PKIFailureInfo that fits", () => {
    const h = SHA256.toString("base64");
    const cases: [string | Record<string, unknown>, string, RegExp][] = [
      ["{", "badDataFormat", /not JSON/],
      ["[1]", "badDataFormat", /not an object/],
      [{ artifactHash: h }, "badRequest", /has no hashAlgorithm/],
      [{ hashAlgorithm: "sha256" }, "badRequest", /has no artifactHash/],
      [{ artifactHash: h, hashAlgorithm: "sha1" }, "badAlg", /hashAlgorithm "sha1" is refused as too weak/],
      [{ artifactHash: h, hashAlgorithm: "md5" }, "badAlg", /"md5" is refused/],
      [{ artifactHash: h, hashAlgorithm: "blake3" }, "badAlg", /"blake3" is not supported/],
      [{ artifactHash: h, hashAlgorithm: 256 }, "badDataFormat", /hashAlgorithm is number, not a string/],
      [{ artifactHash: SHA256.toString("hex"), hashAlgorithm: "sha256" }, "badDataFormat", /artifactHash is 48 bytes, but a sha256 digest is 32/],
      [{ artifactHash: "a-b_", hashAlgorithm: "sha256" }, "badDataFormat", /not standard base64/],
      [{ artifactHash: h, hashAlgorithm: "sha512" }, "badDataFormat", /32 bytes, but a sha512 digest is 64/],
      [{ artifactHash: h, hashAlgorithm: "sha256", certificates: "yes" }, "badDataFormat", /certificates is string, not a boolean/],
      [{ artifactHash: h, hashAlgorithm: "sha256", nonce: "12" }, "badDataFormat", /nonce is string, not a number/],
      [`{"artifactHash":"${h}","hashAlgorithm":"sha256","nonce":1.5}`, "badDataFormat", /nonce 1\.5 is not an integer/],
      [`{"artifactHash":"${h}","hashAlgorithm":"sha256","nonce":1e3}`, "badDataFormat", /nonce 1e3 is not an integer/],
      [{ artifactHash: h, hashAlgorithm: "sha256", tsaPolicyOID: "1.2.3" }, "unacceptedPolicy", /tsaPolicyOID 1\.2\.3 is not a policy of this TSA/],
    ];
    for (const [body, failure, message] of cases) {
      const e = refusal(() => parseTimestampRequest(json(body), JSON_TYPE));
      expect(e.code).toBe("USAGE");
      expect(e.message).toMatch(message);
      expect(e.details).toEqual({ failure });
    }
  });
});

describe("transport checks", () => {
  test("another Content-Type is UNSUPPORTED_MEDIA_TYPE naming both forms", () => {
    for (const type of ["text/plain", "", "application/octet-stream"]) {
      const e = refusal(() => parseTimestampRequest(der(), type));
      expect(e.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      expect(e.hint).toContain("application/timestamp-query");
      expect(e.hint).toContain("application/json");
    }
  });

  test("a body over the limit is TOO_LARGE, whatever its form", () => {
    expect(MAX_TIMESTAMP_REQUEST_BYTES).toBe(16384);
    const big = new Uint8Array(MAX_TIMESTAMP_REQUEST_BYTES + 1);
    for (const type of [DER_TYPE, JSON_TYPE]) {
      const e = refusal(() => parseTimestampRequest(big, type));
      expect(e.code).toBe("TOO_LARGE");
      expect(e.message).toContain("16385 bytes, over the limit of 16384");
    }
  });
});
