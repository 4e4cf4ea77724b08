// Fulcio v2's POST /api/v2/signingCert body (proto3 JSON of CreateSigningCertificateRequest), parsed strictly:
// the OIDC token, the key to certify, and how the caller proves it holds the private key (a signature over the
// token's subject, or a CSR's self-signature). The response is the detached-SCT variant, which Fulcio itself sends
// when there is no CT log; sigstore-js, sigstore-go and cairn's own client read it (and the embedded one).
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { CairnError } from "../errors.ts";
import { x509 } from "../pki/x509.ts";
import { decodePem } from "../signing/pem.ts";
import { parseSubjectKey } from "./keys.ts";

export interface SigningCertRequest {
  /** credentials.oidcIdentityToken; undefined when absent or empty (the token may come in `Authorization: Bearer`). */
  token: string | undefined;
  /** DER SubjectPublicKeyInfo of the key to certify (already checked against the allowed algorithms). */
  spki: Uint8Array;
  /** A proof of possession still to check against the token's subject, or a CSR whose self-signature verified. */
  proof: { kind: "pop"; signature: Uint8Array } | { kind: "csr" };
}

export interface SigningCertResponse {
  signedCertificateDetachedSct: { chain: { certificates: string[] } };
}

const usage = (field: string, why: string, hint?: string) => new CairnError("USAGE", `${field} ${why}`, { hint: hint ?? "send the body sigstore clients send to Fulcio's /api/v2/signingCert" });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
// proto3 JSON bytes: standard or URL-safe base64, padding optional.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function base64(value: unknown, field: string): Uint8Array {
  if (typeof value !== "string" || value === "") throw usage(field, "is missing: a base64 string is expected");
  const text = value.replace(/\s+/g, "");
  if (!BASE64.test(text) || text.replace(/=+$/, "").length % 4 === 1) throw usage(field, "is not valid base64");
  return new Uint8Array(Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}

/** The DER of a PEM block of `type`; USAGE naming the field when there is none or it is not base64. */
function pemBlock(text: string, types: string[], field: string): Uint8Array {
  let block;
  try {
    block = decodePem(text, field);
  } catch {
    throw usage(field, `is not PEM: expected a -----BEGIN ${types[0]}----- block`);
  }
  if (!types.includes(block.type)) throw usage(field, `holds a PEM "${block.type}" block, not "${types[0]}"`);
  return block.der;
}

async function fromCsr(value: unknown): Promise<Uint8Array> {
  const field = "certificateSigningRequest";
  if (typeof value !== "string" || value === "") throw usage(field, "is empty: base64 of a PEM CSR is expected");
  const text = value.includes("-----BEGIN") ? value : Buffer.from(base64(value, field)).toString("utf8");
  const der = pemBlock(text, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"], field);
  let csr: InstanceType<typeof x509.Pkcs10CertificateRequest>;
  try {
    csr = new x509.Pkcs10CertificateRequest(der);
  } catch (e) {
    throw usage(field, `is not a PKCS#10 certificate request (${(e as Error).message})`);
  }
  let ok = false;
  try {
    ok = await csr.verify();
  } catch {
    ok = false;
  }
  if (!ok) throw usage(field, "has a self-signature that does not verify", "sign the CSR with the private key of the public key it holds");
  const spki = new Uint8Array(csr.publicKey.rawData);
  parseSubjectKey(spki, `${field}'s public key`);
  return spki;
}

function fromPublicKeyRequest(value: unknown): { spki: Uint8Array; signature: Uint8Array } {
  if (!isObject(value)) throw usage("publicKeyRequest", "is not an object");
  const publicKey = value["publicKey"];
  if (!isObject(publicKey)) throw usage("publicKeyRequest.publicKey", "is missing");
  const content = publicKey["content"];
  if (typeof content !== "string" || content === "") throw usage("publicKeyRequest.publicKey.content", "is missing: a PEM public key is expected");
  const spki = pemBlock(content, ["PUBLIC KEY"], "publicKeyRequest.publicKey.content");
  parseSubjectKey(spki, "publicKeyRequest.publicKey.content");
  return { spki, signature: base64(value["proofOfPossession"], "publicKeyRequest.proofOfPossession") };
}

/** Parses a signingCert body; USAGE naming the field for anything malformed, and for a CSR that does not verify. */
export async function parseSigningCertRequest(body: unknown): Promise<SigningCertRequest> {
  if (!isObject(body)) throw usage("the request body", "is not a JSON object");
  const credentials = body["credentials"];
  if (credentials !== undefined && !isObject(credentials)) throw usage("credentials", "is not an object");
  const rawToken = credentials?.["oidcIdentityToken"];
  if (rawToken !== undefined && typeof rawToken !== "string") throw usage("credentials.oidcIdentityToken", "is not a string");
  const token = rawToken || undefined;
  const hasKey = body["publicKeyRequest"] !== undefined;
  const hasCsr = body["certificateSigningRequest"] !== undefined;
  if (hasKey && hasCsr) throw usage("the request", "has both publicKeyRequest and certificateSigningRequest", "send one of them");
  if (hasKey) {
    const { spki, signature } = fromPublicKeyRequest(body["publicKeyRequest"]);
    return { token, spki, proof: { kind: "pop", signature } };
  }
  if (hasCsr) return { token, spki: await fromCsr(body["certificateSigningRequest"]), proof: { kind: "csr" } };
  throw usage("the request", "has neither publicKeyRequest nor certificateSigningRequest", "send the public key with a proof of possession, or a CSR");
}

/** Digests a proof may use: SHA-256 (what sigstore-js and cosign sign with), or the curve's own (Fulcio's default verifier). */
function digestsFor(key: KeyObject): (string | null)[] {
  if (key.asymmetricKeyType === "ed25519") return [null];
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === "secp384r1") return ["sha256", "sha384"];
  if (curve === "secp521r1") return ["sha256", "sha512"];
  return ["sha256"];
}

/** CREDENTIAL_INVALID unless `signature` is the key's signature over the UTF-8 subject (email, else `sub`). */
export function checkProofOfPossession(spki: Uint8Array, signature: Uint8Array, subject: string): void {
  const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  const data = Buffer.from(subject, "utf8");
  const ok = digestsFor(key).some((digest) => {
    try {
      return verify(digest, data, key, signature);
    } catch {
      return false;
    }
  });
  if (!ok) {
    throw new CairnError("CREDENTIAL_INVALID", `the proof of possession does not verify for ${subject}`, {
      hint: "sign the token's subject (its email claim, else sub) with the private key of the public key sent",
    });
  }
}

/** The body of a successful signingCert: the chain (leaf first), as Fulcio sends it without a CT log. */
export function signingCertResponse(chainPem: string[]): SigningCertResponse {
  return { signedCertificateDetachedSct: { chain: { certificates: chainPem } } };
}
