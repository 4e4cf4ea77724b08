// Issuing a signing certificate in Fulcio's profile (docs/certificate-specification.md): v3, random 160-bit serial,
// empty subject, 10 minutes, KU digitalSignature (critical), EKU codeSigning, exactly one critical SAN, SKI/AKI, and
// the OIDC issuer as OID .1 (raw bytes) and .8 (UTF8String) plus the identity's further .N extensions.
import * as asn1js from "asn1js";
import { CairnError } from "../errors.ts";
import { x509 } from "../pki/x509.ts";
import { FULCIO_OID_ARC, type CertIdentity } from "../trust/identity.ts";
import { certPem, keyIdentifier, randomSerial } from "./certs.ts";
import { parseSubjectKey } from "./keys.ts";
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
  /** Hex, as in the certificate. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

type Ext = InstanceType<typeof x509.Extension>;

/** What every certificate of a CA shares, built once per LoadedCa. */
const shared = new WeakMap<LoadedCa, Promise<Ext[]>>();

async function sharedExtensions(ca: LoadedCa): Promise<Ext[]> {
  return [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
    new x509.AuthorityKeyIdentifierExtension(await keyIdentifier(ca.intermediate)),
  ];
}

const utf8 = (value: string) => new asn1js.Utf8String({ value }).toBER();

function identityExtensions(id: CertIdentity): Ext[] {
  const out: Ext[] = [
    new x509.Extension(`${FULCIO_OID_ARC}.1`, false, new TextEncoder().encode(id.issuer)),
    new x509.Extension(`${FULCIO_OID_ARC}.8`, false, utf8(id.issuer)),
  ];
  for (const [n, value] of Object.entries(id.extensions)) {
    const arc = Number(n);
    if (!Number.isInteger(arc) || arc < 2 || arc === 7 || arc === 8) {
      throw new CairnError("USAGE", `certificate extension ${FULCIO_OID_ARC}.${n} cannot be set from an identity`, { hint: ".1 and .8 are the issuer, .7 is the username SAN type" });
    }
    if (value !== undefined) out.push(new x509.Extension(`${FULCIO_OID_ARC}.${arc}`, false, utf8(value)));
  }
  return out;
}

export async function issueCertificate(ca: LoadedCa, r: IssueRequest): Promise<IssuedCertificate> {
  parseSubjectKey(r.publicKeySpki, "the public key");
  if (!r.identity.san.value) throw new CairnError("USAGE", "the certificate identity has an empty SAN");
  const notBefore = new Date(Math.floor(r.now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + CERT_LIFETIME_MS);
  if (notBefore < ca.intermediate.notBefore || notAfter > ca.intermediate.notAfter) {
    throw new CairnError("NOT_CONFIGURED", `the CA's intermediate (${ca.intermediate.subject}) is valid from ${ca.intermediate.notBefore.toISOString()} to ${ca.intermediate.notAfter.toISOString()}, so it cannot certify ${notBefore.toISOString()} to ${notAfter.toISOString()}`, {
      hint: "the operator replaces the CA with `cairn ca init --force` or `cairn ca import --force`",
    });
  }
  let common = shared.get(ca);
  if (!common) shared.set(ca, (common = sharedExtensions(ca)));
  const san = r.identity.san;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    issuer: ca.intermediate.subjectName,
    notBefore,
    notAfter,
    publicKey: r.publicKeySpki,
    signingKey: ca.intermediateKey,
    signingAlgorithm: ca.signingAlgorithm,
    extensions: [
      ...(await common),
      new x509.SubjectAlternativeNameExtension([{ type: san.type === "email" ? "email" : "url", value: san.value }], true),
      await x509.SubjectKeyIdentifierExtension.create(r.publicKeySpki),
      ...identityExtensions(r.identity),
    ],
  });
  return { chainPem: [certPem(cert), ...ca.caChainPem], serial: cert.serialNumber, notBefore, notAfter };
}
