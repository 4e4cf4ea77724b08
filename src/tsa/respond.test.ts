import { beforeAll, describe, expect, test } from "bun:test";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pkijs from "pkijs";
import { RFC3161Timestamp } from "@sigstore/core";
import { CairnError } from "../errors.ts";
import { x509 } from "../pki/x509.ts";
import { inTempDir, makeTsaChain, type TsaChain } from "./chain.testutil.ts";
import { parseTimestampRequest } from "./request.ts";
import { createTimestamper, type Timestamper } from "./respond.ts";

const DATA = Buffer.from("a signature to timestamp");
const hex = (alg: string) => createHash(alg).update(DATA).digest("hex");
const jsonQuery = (nonce: string, certificates = true) =>
  new TextEncoder().encode(`{"artifactHash":"${createHash("sha256").update(DATA).digest("base64")}","hashAlgorithm":"sha256","certificates":${certificates},"nonce":${nonce}}`);

/** Runs `openssl ts -verify` on the reply with the TSA's root as CA file and its leaf as untrusted certificate. */
function opensslVerify(c: TsaChain, reply: Uint8Array, how: string[], extra: Record<string, Uint8Array> = {}): string {
  return inTempDir({ "reply.tsr": reply, "root.pem": c.rootPem, "leaf.pem": c.leafPem, ...extra }, (_dir, openssl) => {
    return openssl("ts", "-verify", ...how, "-in", "reply.tsr", "-CAfile", "root.pem", "-untrusted", "leaf.pem").out;
  });
}

function replyText(reply: Uint8Array): string {
  return inTempDir({ "reply.tsr": reply }, (_dir, openssl) => openssl("ts", "-reply", "-in", "reply.tsr", "-text").out);
}

function tokenOf(reply: Uint8Array): { signed: pkijs.SignedData; tst: pkijs.TSTInfo } {
  const resp = pkijs.TimeStampResp.fromBER(reply);
  const signed = new pkijs.SignedData({ schema: resp.timeStampToken!.content });
  return { signed, tst: pkijs.TSTInfo.fromBER(signed.encapContentInfo.eContent!.getValue()) };
}

for (const curve of ["P-256", "P-384"] as const) {
  describe(`a ${curve} TSA`, () => {
    let c: TsaChain;
    let tsa: Timestamper;
    beforeAll(async () => {
      c = await makeTsaChain(curve);
      tsa = createTimestamper({ chainDer: [c.leafDer, c.rootDer], key: c.key });
    });

    test("a JSON request's reply verifies in openssl; -text shows policy, nonce and TSA name", async () => {
      const reply = await tsa.respond(parseTimestampRequest(jsonQuery("987654321987654321987"), "application/json"), new Date());
      expect(opensslVerify(c, reply, ["-digest", hex("sha256")])).toContain("Verification: OK");
      expect(opensslVerify(c, reply, ["-digest", "00".repeat(32)])).toContain("Verification: FAILED");
      const text = replyText(reply);
      expect(text).toContain("Status: Granted.");
      expect(text).toContain("Policy OID: 1.3.6.1.4.1.57264.2");
      expect(text).toContain(`Nonce: 0x${987654321987654321987n.toString(16).toUpperCase()}`);
      expect(text).toContain(`TSA: DirName:/CN=tsa-test ${curve}/O=cairn-test`);
      expect(text).toContain("Accuracy: 0x01 seconds");
    });

    test("replies to queries made by openssl ts -query verify against the query and the data", async () => {
      const flagSets = [["-sha256", "-cert"], ["-sha512", "-cert", "-tspolicy", "1.3.6.1.4.1.57264.2"], ["-sha384", "-no_nonce"]];
      const queries = inTempDir({ "data.bin": DATA }, (dir, openssl) =>
        flagSets.map((flags) => {
          expect(openssl("ts", "-query", "-data", "data.bin", ...flags, "-out", "q.tsq").code).toBe(0);
          return new Uint8Array(readFileSync(join(dir, "q.tsq")));
        }),
      );
      for (const [i, q] of queries.entries()) {
        const reply = await tsa.respond(parseTimestampRequest(q, "application/timestamp-query"), new Date());
        const files = { "q.tsq": q, "data.bin": DATA };
        expect(opensslVerify(c, reply, ["-queryfile", "q.tsq"], files)).toContain("Verification: OK");
        expect(opensslVerify(c, reply, ["-data", "data.bin"], files)).toContain("Verification: OK");
        expect(opensslVerify(c, reply, ["-digest", hex(flagSets[i]![0]!.slice(1))])).toContain("Verification: OK");
        expect(tokenOf(reply).signed.certificates?.length ?? 0).toBe(flagSets[i]!.includes("-cert") ? 1 : 0);
      }
    });

    test("@sigstore/core parses the reply and verifies it with the leaf's key", async () => {
      const now = new Date("2026-03-04T05:06:07.890Z");
      const reply = await tsa.respond({ hashAlgorithm: "sha256", digest: createHash("sha256").update(DATA).digest(), certReq: true, form: "json" }, now);
      const ts = RFC3161Timestamp.parse(Buffer.from(reply));
      expect(ts.status).toBe(0n);
      expect(ts.signingTime).toEqual(new Date("2026-03-04T05:06:07.000Z"));
      expect(ts.signerDigestAlgorithm).toBe(curve === "P-256" ? "sha256" : "sha384");
      expect(ts.signatureAlgorithm).toBe(curve === "P-256" ? "sha256" : "sha384");
      const leaf = new x509.X509Certificate(c.leafDer);
      expect(Buffer.from(ts.signerSerialNumber).toString("hex")).toBe(leaf.serialNumber);
      const key = new X509Certificate(Buffer.from(c.leafDer)).publicKey;
      ts.verify(DATA, key);
      expect(() => ts.verify(Buffer.from("other data"), key)).toThrow(/message imprint does not match/);
    });

    test("without certReq the token carries no certificate and still verifies with the leaf given", async () => {
      const reply = await tsa.respond(parseTimestampRequest(jsonQuery("7", false), "application/json"), new Date());
      expect(tokenOf(reply).signed.certificates).toBeUndefined();
      expect(opensslVerify(c, reply, ["-digest", hex("sha256")])).toContain("Verification: OK");
    });
  });
}

describe("rejections, chain, layout and limits", () => {
  let c: TsaChain;
  let tsa: Timestamper;
  beforeAll(async () => {
    c = await makeTsaChain("P-256");
    tsa = createTimestamper({ chainDer: [c.leafDer, c.rootDer], key: c.key });
  });

  test("reject() is a rejection openssl reads with its text and failure", () => {
    const cases = [
      ["badAlg", "unrecognized or unsupported algorithm identifier"],
      ["badRequest", "transaction not permitted or supported"],
      ["badDataFormat", "the data submitted has the wrong format"],
      ["unacceptedPolicy", "the requested TSA policy is not supported by the TSA"],
      ["unacceptedExtension", "the requested extension is not supported by the TSA"],
    ] as const;
    for (const [failure, said] of cases) {
      const text = replyText(tsa.reject(failure, `refused: ${failure}`));
      expect(text).toContain("Status: Rejected.");
      expect(text).toContain(`Status description: refused: ${failure}`);
      expect(text).toContain(`Failure info: ${said}`);
      expect(text).toContain("TST info:\nNot included.");
    }
  });

  test("chainPem() is the chain, leaf first", () => {
    const pem = tsa.chainPem();
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;
    expect(blocks.join("")).toBe(pem);
    expect(blocks.map((b) => new x509.X509Certificate(b).subject)).toEqual(["CN=tsa-test P-256, O=cairn-test", "CN=tsa-test-root P-256, O=cairn-test"]);
  });

  test("the token's layout: v3 SignedData, primitive eContent, DER-ordered signed attributes with ESS signing-certificate-v2 of the leaf", async () => {
    const reply = await tsa.respond({ hashAlgorithm: "sha256", digest: createHash("sha256").update(DATA).digest(), certReq: true, form: "der" }, new Date());
    const { signed, tst } = tokenOf(reply);
    expect(signed.version).toBe(3);
    expect(signed.encapContentInfo.eContent!.idBlock.isConstructed).toBe(false);
    const attrs = signed.signerInfos[0]!.signedAttrs!.attributes;
    expect(attrs.map((a) => a.type)).toEqual(["1.2.840.113549.1.9.3", "1.2.840.113549.1.9.5", "1.2.840.113549.1.9.4", "1.2.840.113549.1.9.16.2.47"]);
    const ess = attrs[3]!.values[0] as import("asn1js").Sequence;
    const certId = ((ess.valueBlock.value[0] as import("asn1js").Sequence).valueBlock.value[0] as import("asn1js").Sequence).valueBlock.value;
    expect(Buffer.from((certId[0] as import("asn1js").OctetString).getValue()).toString("hex")).toBe(createHash("sha256").update(c.leafDer).digest("hex"));
    expect(tst.version).toBe(1);
    const serial = tst.serialNumber.valueBlock.valueHexView;
    expect(serial.byteLength).toBe(16);
    expect(serial[0]! & 0x80).toBe(0);
    const again = tokenOf(await tsa.respond({ hashAlgorithm: "sha256", digest: new Uint8Array(32), certReq: false, form: "der" }, new Date())).tst;
    expect(Buffer.from(again.serialNumber.valueBlock.valueHexView).equals(Buffer.from(serial))).toBe(false);
  });

  test("a request for another policy is refused by respond() too", async () => {
    const req = { hashAlgorithm: "sha256" as const, digest: new Uint8Array(32), certReq: false, policy: "1.2.3.4", form: "der" as const };
    await expect(tsa.respond(req, new Date())).rejects.toMatchObject({ code: "USAGE", details: { failure: "unacceptedPolicy" } });
    const own = createTimestamper({ chainDer: [c.leafDer], key: c.key, policy: "1.2.3.4" });
    expect(replyText(await own.respond(req, new Date()))).toContain("Policy OID: 1.2.3.4");
  });

  test("the chain and key are checked when the timestamper is made", async () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CairnError);
        return `${(e as CairnError).code}: ${(e as CairnError).message}`;
      }
      throw new Error("expected a refusal");
    };
    expect(refused(() => createTimestamper({ chainDer: [], key: c.key }))).toBe("USAGE: the TSA certificate chain is empty");
    expect(refused(() => createTimestamper({ chainDer: [new Uint8Array([1, 2])], key: c.key }))).toMatch(/^USAGE: the TSA leaf certificate is not a DER X.509 certificate/);
    const plain = await makeTsaChain("P-256", { eku: "plain" });
    expect(refused(() => createTimestamper({ chainDer: [plain.leafDer], key: plain.key }))).toMatch(/^USAGE: .*critical extended key usage of exactly timeStamping/);
    const codeSigning = await makeTsaChain("P-256", { eku: "codeSigning" });
    expect(refused(() => createTimestamper({ chainDer: [codeSigning.leafDer], key: codeSigning.key }))).toMatch(/exactly timeStamping/);
    const p384 = await makeTsaChain("P-384");
    expect(refused(() => createTimestamper({ chainDer: [c.leafDer], key: p384.key }))).toMatch(/^KEY_INVALID: the TSA key is P-384, but the leaf certificate's key is not/);
    expect(refused(() => createTimestamper({ chainDer: [c.leafDer], key: c.publicKey }))).toMatch(/^KEY_INVALID: the TSA key is ECDSA P-256 public; it must be an ECDSA P-256 or P-384 private signing key/);
    const rsa = (await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, false, ["sign", "verify"])) as CryptoKeyPair;
    expect(refused(() => createTimestamper({ chainDer: [c.leafDer], key: rsa.privateKey }))).toMatch(/^KEY_INVALID: the TSA key is RSASSA-PKCS1-v1_5 private; it must be/);
  });

  test("fast: well over 300 replies a second (about 2,000 on a laptop core)", async () => {
    const req = parseTimestampRequest(jsonQuery("42"), "application/json");
    await tsa.respond(req, new Date());
    const start = performance.now();
    for (let i = 0; i < 200; i++) await tsa.respond(req, new Date());
    const perSecond = 200 / ((performance.now() - start) / 1000);
    expect(perSecond).toBeGreaterThan(300);
  });
});
