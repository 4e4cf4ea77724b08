import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync, sign, X509Certificate, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FulcioSigner } from "@sigstore/sign";
import { x509 } from "../pki/x509.ts";
import { expectCode } from "../test-helpers.ts";
import { initCa } from "./init.ts";
import { issueCertificate } from "./issue.ts";
import { loadCa, type LoadedCa } from "./load.ts";
import { checkProofOfPossession, parseSigningCertRequest, signingCertResponse } from "./request.ts";

const SUB = "https://cairn.example.com/orgs/acme/workflows/app/build";
const pemOf = (k: KeyObject) => k.export({ type: "spki", format: "pem" }).toString();
const derOf = (k: KeyObject) => new Uint8Array(k.export({ type: "spki", format: "der" }));
const b64 = (b: Uint8Array | Buffer | string) => Buffer.from(b).toString("base64");
const p256 = () => generateKeyPairSync("ec", { namedCurve: "P-256" });

async function csrPem(keys: CryptoKeyPair, alg: { name: string; hash?: string; namedCurve?: string }): Promise<string> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: "CN=ignored", keys, signingAlgorithm: alg });
  return csr.toString("pem");
}

describe("parseSigningCertRequest", () => {
  test("publicKeyRequest as sigstore-js sends it", async () => {
    const k = p256();
    const proof = sign("sha256", Buffer.from(SUB), k.privateKey);
    const r = await parseSigningCertRequest({ credentials: { oidcIdentityToken: "a.b.c" }, publicKeyRequest: { publicKey: { algorithm: "ECDSA", content: pemOf(k.publicKey) }, proofOfPossession: b64(proof) } });
    expect(r.token).toBe("a.b.c");
    expect(Buffer.from(r.spki).equals(Buffer.from(derOf(k.publicKey)))).toBe(true);
    expect(r.proof).toEqual({ kind: "pop", signature: new Uint8Array(proof) });
  });

  test("no credentials (sigstore-go sends the token as a Bearer header) and an empty token are token: undefined", async () => {
    const k = p256();
    const publicKeyRequest = { publicKey: { content: pemOf(k.publicKey) }, proofOfPossession: "AAAA" };
    expect((await parseSigningCertRequest({ publicKeyRequest })).token).toBeUndefined();
    expect((await parseSigningCertRequest({ credentials: { oidcIdentityToken: "" }, publicKeyRequest })).token).toBeUndefined();
  });

  test("a CSR as base64 of PEM, or as raw PEM: its self-signature is the proof", async () => {
    const keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, ["sign", "verify"]);
    const pem = await csrPem(keys, { name: "ECDSA", hash: "SHA-384" });
    const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
    for (const certificateSigningRequest of [b64(pem), pem]) {
      const r = await parseSigningCertRequest({ credentials: { oidcIdentityToken: "t" }, certificateSigningRequest });
      expect(r.proof).toEqual({ kind: "csr" });
      expect(Buffer.from(r.spki).equals(Buffer.from(spki))).toBe(true);
    }
  });

  test("malformed bodies are USAGE naming the field", async () => {
    const k = p256();
    const good = { publicKey: { content: pemOf(k.publicKey) }, proofOfPossession: "AAAA" };
    const cases: [unknown, string][] = [
      ["text", "the request body is not a JSON object"],
      [{ credentials: "t", publicKeyRequest: good }, "credentials is not an object"],
      [{ credentials: { oidcIdentityToken: 7 }, publicKeyRequest: good }, "credentials.oidcIdentityToken is not a string"],
      [{ credentials: {} }, "has neither publicKeyRequest nor certificateSigningRequest"],
      [{ publicKeyRequest: good, certificateSigningRequest: "x" }, "has both publicKeyRequest and certificateSigningRequest"],
      [{ publicKeyRequest: [] }, "publicKeyRequest is not an object"],
      [{ publicKeyRequest: { proofOfPossession: "AAAA" } }, "publicKeyRequest.publicKey is missing"],
      [{ publicKeyRequest: { publicKey: { content: "" }, proofOfPossession: "AAAA" } }, "publicKeyRequest.publicKey.content is missing"],
      [{ publicKeyRequest: { publicKey: { content: "not pem" }, proofOfPossession: "AAAA" } }, "publicKeyRequest.publicKey.content is not PEM"],
      [{ publicKeyRequest: { publicKey: { content: "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n" }, proofOfPossession: "AAAA" } }, "publicKeyRequest.publicKey.content is not PEM"],
      [{ publicKeyRequest: { publicKey: { content: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" }, proofOfPossession: "AAAA" } }, 'holds a PEM "CERTIFICATE" block, not "PUBLIC KEY"'],
      [{ publicKeyRequest: { publicKey: { content: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" }, proofOfPossession: "AAAA" } }, "publicKeyRequest.publicKey.content is not a public key"],
      [{ publicKeyRequest: { publicKey: { content: pemOf(generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey) }, proofOfPossession: "AAAA" } }, "publicKeyRequest.publicKey.content is a RSA 1024 key"],
      [{ publicKeyRequest: { publicKey: { content: pemOf(k.publicKey) } } }, "publicKeyRequest.proofOfPossession is missing"],
      [{ publicKeyRequest: { publicKey: { content: pemOf(k.publicKey) }, proofOfPossession: "not base64!" } }, "publicKeyRequest.proofOfPossession is not valid base64"],
      [{ certificateSigningRequest: "" }, "certificateSigningRequest is empty"],
      [{ certificateSigningRequest: "%%%" }, "certificateSigningRequest is not valid base64"],
      [{ certificateSigningRequest: b64("hello") }, "certificateSigningRequest is not PEM"],
      [{ certificateSigningRequest: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n" }, "certificateSigningRequest is not a PKCS#10 certificate request"],
    ];
    for (const [body, text] of cases) {
      const e = await expectCode(() => parseSigningCertRequest(body), "USAGE");
      expect(e.message).toContain(text);
    }
  });

  test("a CSR whose self-signature fails is USAGE", async () => {
    const keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const csr = new x509.Pkcs10CertificateRequest(await csrPem(keys, { name: "ECDSA", hash: "SHA-256" }));
    const raw = new Uint8Array(csr.rawData);
    raw[raw.length - 5]! ^= 0x01; // inside the signature
    const pem = x509.PemConverter.encode(raw.buffer as ArrayBuffer, "CERTIFICATE REQUEST");
    const e = await expectCode(() => parseSigningCertRequest({ certificateSigningRequest: b64(pem) }), "USAGE");
    expect(e.message).toContain("certificateSigningRequest has a self-signature that does not verify");
  });
});

describe("checkProofOfPossession", () => {
  test("ECDSA (SHA-256, or the curve's hash), RSA and Ed25519 signatures over the subject verify", () => {
    const data = Buffer.from(SUB);
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const ed = generateKeyPairSync("ed25519");
    const k = p256();
    checkProofOfPossession(derOf(k.publicKey), sign("sha256", data, k.privateKey), SUB);
    checkProofOfPossession(derOf(p384.publicKey), sign("sha256", data, p384.privateKey), SUB);
    checkProofOfPossession(derOf(p384.publicKey), sign("sha384", data, p384.privateKey), SUB);
    checkProofOfPossession(derOf(rsa.publicKey), sign("sha256", data, rsa.privateKey), SUB);
    checkProofOfPossession(derOf(ed.publicKey), sign(null, data, ed.privateKey), SUB);
  });

  test("another subject, another key or garbage is CREDENTIAL_INVALID naming the subject", async () => {
    const k = p256();
    const sig = sign("sha256", Buffer.from(SUB), k.privateKey);
    const e = await expectCode(() => checkProofOfPossession(derOf(k.publicKey), sig, "someone-else"), "CREDENTIAL_INVALID");
    expect(e.message).toBe("the proof of possession does not verify for someone-else");
    await expectCode(() => checkProofOfPossession(derOf(p256().publicKey), sig, SUB), "CREDENTIAL_INVALID");
    await expectCode(() => checkProofOfPossession(derOf(k.publicKey), new Uint8Array([1, 2, 3]), SUB), "CREDENTIAL_INVALID");
  });
});

describe("signingCertResponse with sigstore-js's FulcioSigner", () => {
  const home = mkdtempSync(join(tmpdir(), "cairn-ca-request-"));
  let ca: LoadedCa;
  let server: ReturnType<typeof Bun.serve>;
  beforeAll(async () => {
    await initCa(home, { now: new Date(Date.now() - 60_000) });
    ca = (await loadCa(home))!;
    // The shape of the signingCert route: parse, check the proof against the token's subject, issue, answer.
    server = Bun.serve({
      port: 0,
      async fetch(req) {
        const r = await parseSigningCertRequest(await req.json());
        const claims = JSON.parse(Buffer.from(r.token!.split(".")[1]!, "base64url").toString());
        if (r.proof.kind === "pop") checkProofOfPossession(r.spki, r.proof.signature, claims.sub);
        const out = await issueCertificate(ca, { publicKeySpki: r.spki, identity: { san: { type: "uri", value: claims.sub }, issuer: claims.iss, extensions: {} }, now: new Date() });
        return Response.json(signingCertResponse(out.chainPem));
      },
    });
  });
  afterAll(() => {
    server.stop(true);
    rmSync(home, { recursive: true, force: true });
  });

  test("the response shape is Fulcio's detached-SCT variant and sigstore-js takes the leaf from it", async () => {
    expect(signingCertResponse(["L", "I", "R"])).toEqual({ signedCertificateDetachedSct: { chain: { certificates: ["L", "I", "R"] } } });
    const jwt = ["e30", Buffer.from(JSON.stringify({ iss: "https://cairn.example.com", sub: SUB })).toString("base64url"), "sig"].join(".");
    const signer = new FulcioSigner({ fulcioBaseURL: `http://localhost:${server.port}`, identityProvider: { getToken: async () => jwt } });
    const signed = await signer.sign(Buffer.from("payload"));
    expect(signed.key.$case).toBe("x509Certificate");
    const leaf = new X509Certificate((signed.key as { certificate: string }).certificate);
    expect(leaf.subjectAltName).toBe(`URI:${SUB}`);
    expect(leaf.verify(new X509Certificate(ca.caChainDer[0]!).publicKey)).toBe(true);
  });
});
