// Issuing a signing certificate in Fulcio's profile (docs/certificate-specification.md): v3, random 160-bit serial,
// empty subject, 10 minutes, KU digitalSignature (critical), EKU codeSigning, exactly one critical SAN, SKI/AKI, and
// the OIDC issuer as OID .1 (raw bytes) and .8 (UTF8String) plus the identity's further .N extensions (UTF8String;
// the deprecated .2–.6 raw, as Fulcio writes them). The parts a CA
// shares are encoded once; each certificate encodes only what is its own (see der.ts), which keeps it well under 2 ms.
import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { CairnError } from "../errors.ts";
import { x509 } from "../pki/x509.ts";
import { FULCIO_OID_ARC, type CertIdentity } from "../trust/identity.ts";
import { encodePem } from "../signing/pem.ts";
import { keyIdentifier, randomSerial } from "./certs.ts";
import { Encoded, explicit, extension, implicitPrimitive, sequence, time, utf8String } from "./der.ts";
import { parseSubjectKey, publicKeyBits, RSA_SHA256_OID } from "./keys.ts";
import type { LoadedCa } from "./load.ts";

export const CERT_LIFETIME_MS = 10 * 60_000;

export interface IssueRequest {
  /** The key to certify, DER SubjectPublicKeyInfo (ECDSA P-256/384/521, RSA 2048–4096, Ed25519). */
  publicKeySpki: Uint8Array;
  identity: CertIdentity;
  now: Date;
}

export interface IssuedCertificate {
  /** Leaf, intermediate, …, root. */
  chainPem: string[];
  /** Lower-case hex, as in the certificate. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/** What every certificate of a CA shares, encoded once per LoadedCa. */
interface Shared {
  head: Encoded; // [0] EXPLICIT INTEGER 2 (v3)
  algorithm: Encoded; // the intermediate's signatureAlgorithm
  issuer: Encoded; // the intermediate's subject, byte for byte
  subject: Encoded; // empty Name
  extensions: Encoded[]; // KU, EKU, AKI
}

const shared = new WeakMap<LoadedCa, Promise<Shared>>();
const ecFormatter = new x509.AsnEcSignatureFormatter();
const OID_SAN = "2.5.29.17";
const OID_SKI = "2.5.29.14";

async function prepare(ca: LoadedCa): Promise<Shared> {
  const oid = ca.intermediateAlgorithm.signatureOid;
  const algItems = [new asn1js.ObjectIdentifier({ value: oid }), ...(oid === RSA_SHA256_OID ? [new asn1js.Null()] : [])];
  const name = pkijs.Certificate.fromBER(ca.caChainDer[0]!).subject.toSchema().toBER();
  return {
    head: new Encoded(explicit(0, new asn1js.Integer({ value: 2 })).toBER()),
    algorithm: new Encoded(sequence(algItems).toBER()),
    issuer: new Encoded(name),
    subject: new Encoded(sequence([]).toBER()),
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
      new x509.AuthorityKeyIdentifierExtension(await keyIdentifier(ca.intermediate)),
    ].map((e) => new Encoded(e.rawData)),
  };
}

function ia5(value: string, what: string): Uint8Array {
  if (!/^[\x20-\x7e]+$/.test(value)) throw new CairnError("USAGE", `the certificate identity's ${what} ${JSON.stringify(value)} is not printable ASCII (IA5String)`);
  return new TextEncoder().encode(value);
}

function identityExtensions(id: CertIdentity): Encoded[] {
  const { san } = id;
  const name = san.type === "email" ? implicitPrimitive(1, ia5(san.value, "email SAN")) : implicitPrimitive(6, ia5(san.value, "URI SAN"));
  const out = [
    extension(OID_SAN, true, sequence([name]).toBER()),
    extension(`${FULCIO_OID_ARC}.1`, false, new TextEncoder().encode(id.issuer)),
    extension(`${FULCIO_OID_ARC}.8`, false, utf8String(id.issuer)),
  ];
  for (const [n, value] of Object.entries(id.extensions)) {
    const arc = Number(n);
    if (!Number.isInteger(arc) || arc < 2 || arc === 7 || arc === 8) {
      throw new CairnError("USAGE", `certificate extension ${FULCIO_OID_ARC}.${n} cannot be set from an identity`, { hint: ".1 and .8 are the issuer, .7 is the username SAN type" });
    }
    if (value === undefined) continue;
    // .2–.6 (GitHub trigger, SHA, workflow, repository, ref) are deprecated and, like .1, raw bytes; from .9 on UTF8String.
    out.push(extension(`${FULCIO_OID_ARC}.${arc}`, false, arc <= 6 ? new TextEncoder().encode(value) : utf8String(value)));
  }
  return out;
}

async function signTbs(ca: LoadedCa, tbs: ArrayBuffer): Promise<ArrayBuffer> {
  const signature = await crypto.subtle.sign(ca.intermediateAlgorithm.sign, ca.intermediateKey, tbs);
  if (ca.intermediateKey.algorithm.name !== "ECDSA") return signature;
  return ecFormatter.toAsnSignature(ca.intermediateKey.algorithm, signature)!; // WebCrypto's r‖s → DER Ecdsa-Sig-Value
}

export async function issueCertificate(ca: LoadedCa, r: IssueRequest): Promise<IssuedCertificate> {
  const { key } = parseSubjectKey(r.publicKeySpki, "the public key");
  if (!r.identity.san.value) throw new CairnError("USAGE", "the certificate identity has an empty SAN");
  if (!r.identity.issuer) throw new CairnError("USAGE", "the certificate identity has no issuer");
  const notBefore = new Date(Math.floor(r.now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + CERT_LIFETIME_MS);
  const inter = ca.intermediate;
  if (notBefore < inter.notBefore || notAfter > inter.notAfter) {
    throw new CairnError("NOT_CONFIGURED", `the CA's intermediate (${inter.subject}) is valid from ${inter.notBefore.toISOString()} to ${inter.notAfter.toISOString()}, so it cannot certify ${notBefore.toISOString()} to ${notAfter.toISOString()}`, {
      hint: "the operator replaces the CA with `cairn ca init --force` or `cairn ca import --force`",
    });
  }
  let pending = shared.get(ca);
  if (!pending) shared.set(ca, (pending = prepare(ca)));
  const s = await pending;
  const serial = randomSerial();
  const ski = createHash("sha1").update(publicKeyBits(key)).digest();
  const tbs = sequence([
    s.head,
    new asn1js.Integer({ valueHex: Buffer.from(serial, "hex") }),
    s.algorithm,
    s.issuer,
    sequence([time(notBefore), time(notAfter)]),
    s.subject,
    new Encoded(key.export({ type: "spki", format: "der" })),
    explicit(3, sequence([...s.extensions, extension(OID_SKI, false, new asn1js.OctetString({ valueHex: ski }).toBER()), ...identityExtensions(r.identity)])),
  ]).toBER();
  const signature = await signTbs(ca, tbs);
  const der = sequence([new Encoded(tbs), s.algorithm, new asn1js.BitString({ valueHex: signature })]).toBER();
  return { chainPem: [encodePem("CERTIFICATE", new Uint8Array(der)), ...ca.caChainPem], serial, notBefore, notAfter };
}
