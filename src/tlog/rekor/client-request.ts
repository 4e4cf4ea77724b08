// The CreateEntryRequest cairn's own client sends to a Rekor v2 log for a bundle it signed.
//
// A message signature becomes a hashedRekordRequestV002 over the bundle's messageDigest. A DSSE envelope is sent as a
// dsseRequestV002 (the whole envelope plus the verifier), not as a hashedrekord over SHA-256(PAE), although the log
// stores it as exactly that hashedrekord (verify.ts): a hashedrekord request only lets the log check the signature
// against the digest it is given, which an Ed25519 signature (made over the PAE itself, not a digest) cannot be checked
// against, and from the digest alone the log cannot tell that it is the PAE of the envelope at all. With the envelope
// the log verifies the signature over the PAE it computes itself, for every key type, and the entry it writes is the
// same one sigstore-go and @sigstore/verify rebuild. It is also what @sigstore/sign 5.1.0 sends for DSSE.
import { createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { b64, usage } from "./fields.ts";
import { defaultKeyDetails, describeKey, HASH_LENGTH, KEY_DETAILS } from "./key-details.ts";

export interface ClientRequestOptions {
  /** DER SPKI of the signing key, for key-signed bundles (their verification material only holds a hint). */
  publicKeySpki?: Uint8Array;
}

type Obj = Record<string, unknown>;
const B = "the bundle";

export function hashedRekordRequestFor(bundle: Record<string, unknown>, opts: ClientRequestOptions = {}): Record<string, unknown> {
  const { verifier, key, keyDetails } = verifierOf(bundle, opts);
  if (isObj(bundle["dsseEnvelope"])) {
    const env = bundle["dsseEnvelope"];
    const sigs = Array.isArray(env["signatures"]) ? env["signatures"] : [];
    if (sigs.length === 0) usage(`${B}'s dsseEnvelope has no signatures`);
    const signatures = sigs.map((s, i) => {
      const so = isObj(s) ? s : usage(`${B}'s dsseEnvelope.signatures[${i}] is not an object`);
      return { sig: bytesField(so["sig"], `dsseEnvelope.signatures[${i}].sig`), keyid: typeof so["keyid"] === "string" ? so["keyid"] : "" };
    });
    const payloadType = env["payloadType"];
    if (typeof payloadType !== "string" || payloadType === "") usage(`${B}'s dsseEnvelope.payloadType is missing`);
    const envelope = { payload: bytesField(env["payload"], "dsseEnvelope.payload"), payloadType, signatures };
    return { dsseRequestV002: { envelope, verifiers: [verifier] } };
  }
  if (isObj(bundle["messageSignature"])) {
    const ms = bundle["messageSignature"];
    const md = isObj(ms["messageDigest"]) ? ms["messageDigest"] : usage(`${B}'s messageSignature has no messageDigest`);
    const digest = bytesField(md["digest"], "messageSignature.messageDigest.digest");
    const detail = KEY_DETAILS[keyDetails]!;
    if (detail.key.type === "ed25519") usage(`${B} is a message signature made with an Ed25519 key, which signs the message itself: Rekor v2 cannot log it against the message digest`, "sign messages with an ECDSA key, or sign a DSSE envelope");
    const algorithm: unknown = md["algorithm"] ?? "SHA2_256";
    if (algorithm !== detail.hash || Buffer.from(digest, "base64").length !== HASH_LENGTH[detail.hash]) {
      usage(`${B}'s message digest is ${String(algorithm)}, but its ${describeKey(key).text} key is logged as ${keyDetails}, which needs a ${detail.hash} digest`);
    }
    return { hashedRekordRequestV002: { digest, signature: { content: bytesField(ms["signature"], "messageSignature.signature"), verifier } } };
  }
  return usage(`${B} has neither a dsseEnvelope nor a messageSignature`);
}

function verifierOf(bundle: Obj, opts: ClientRequestOptions): { verifier: Obj; key: KeyObject; keyDetails: string } {
  const vm = isObj(bundle["verificationMaterial"]) ? bundle["verificationMaterial"] : usage(`${B} has no verificationMaterial`);
  const chain = isObj(vm["x509CertificateChain"]) && Array.isArray(vm["x509CertificateChain"]["certificates"]) ? vm["x509CertificateChain"]["certificates"] : undefined;
  const certField = isObj(vm["certificate"]) ? vm["certificate"]["rawBytes"] : chain && isObj(chain[0]) ? chain[0]["rawBytes"] : undefined;
  let key: KeyObject;
  let material: Obj;
  if (certField !== undefined) {
    const der = bytesField(certField, "verificationMaterial certificate rawBytes");
    try {
      key = new X509Certificate(Buffer.from(der, "base64")).publicKey;
    } catch {
      return usage(`${B}'s certificate is not a DER X.509 certificate`);
    }
    material = { x509Certificate: { rawBytes: der } };
  } else if (isObj(vm["publicKey"])) {
    if (!opts.publicKeySpki) usage(`${B} is key-signed: pass the signing key's public key (publicKeySpki) to log it`);
    try {
      key = createPublicKey({ key: Buffer.from(opts.publicKeySpki), format: "der", type: "spki" });
    } catch {
      return usage("publicKeySpki is not a DER SubjectPublicKeyInfo");
    }
    material = { publicKey: { rawBytes: b64(opts.publicKeySpki) } };
  } else {
    return usage(`${B}'s verificationMaterial has no certificate, certificate chain or public key`);
  }
  const keyDetails = defaultKeyDetails(key) ?? usage(`${B} is signed with an ${describeKey(key).text} key, which cairn cannot log`, "sign with ECDSA P-256, P-384, P-521 or Ed25519");
  return { verifier: { ...material, keyDetails }, key, keyDetails };
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A bundle bytes field re-encoded as standard base64 (bundles are proto JSON: either alphabet may appear). */
function bytesField(v: unknown, field: string): string {
  if (typeof v !== "string" || v === "" || !/^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/.test(v)) usage(`${B}'s ${field} is missing or not base64`);
  return Buffer.from(v.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("base64");
}
