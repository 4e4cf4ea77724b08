// An organization's CA chain, made in tests to import: a root, optionally a policy CA, and the issuing intermediate.
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { x509 } from "../pki/x509.ts";
import { certPem, randomSerial, type Cert } from "./certs.ts";

const DAY = 86_400_000;

export interface OrgCert {
  cert: Cert;
  key: KeyObject;
}

export interface OrgCertOptions {
  subject: string;
  issuer?: OrgCert;
  ca?: boolean;
  pathLength?: number;
  eku?: string[];
  notBefore?: Date;
  notAfter?: Date;
  curve?: "P-256" | "P-384" | "rsa";
}

const importParams = (k: KeyObject) =>
  k.asymmetricKeyType === "rsa" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", namedCurve: k.asymmetricKeyDetails?.namedCurve === "secp384r1" ? "P-384" : "P-256" };
const signParams = (k: KeyObject) =>
  k.asymmetricKeyType === "rsa" ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash: k.asymmetricKeyDetails?.namedCurve === "secp384r1" ? "SHA-384" : "SHA-256" };

export async function orgCert(o: OrgCertOptions): Promise<OrgCert> {
  const curve = o.curve ?? "P-256";
  const key = curve === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey : generateKeyPairSync("ec", { namedCurve: curve }).privateKey;
  const signer = o.issuer?.key ?? key;
  const signingKey = await crypto.subtle.importKey("pkcs8", signer.export({ type: "pkcs8", format: "der" }), importParams(signer), false, ["sign"]);
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  const ext: InstanceType<typeof x509.Extension>[] = [];
  if (o.ca !== false) {
    ext.push(new x509.BasicConstraintsExtension(true, o.pathLength, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    ext.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
  }
  if (o.eku) ext.push(new x509.ExtendedKeyUsageExtension(o.eku));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: o.subject,
    issuer: o.issuer?.cert.subject ?? o.subject,
    notBefore: o.notBefore ?? new Date(Date.now() - DAY),
    notAfter: o.notAfter ?? new Date(Date.now() + 365 * DAY),
    publicKey: spki,
    signingKey,
    signingAlgorithm: signParams(signer),
    extensions: [...ext, await x509.SubjectKeyIdentifierExtension.create(spki)],
  });
  return { cert, key };
}

/** Root → intermediate (pathlen 0, EKU codeSigning), P-256 like many organizations' CAs. */
export async function orgChain(): Promise<{ root: OrgCert; inter: OrgCert; chainPem: string; keyPem: string }> {
  const root = await orgCert({ subject: "CN=Acme Root CA, O=Acme" });
  const inter = await orgCert({ subject: "CN=Acme Signing CA, O=Acme", issuer: root, pathLength: 0, eku: ["1.3.6.1.5.5.7.3.3"] });
  return { root, inter, chainPem: pem(inter, root), keyPem: inter.key.export({ type: "pkcs8", format: "pem" }).toString() };
}

export const pem = (...certs: OrgCert[]): string => certs.map((c) => certPem(c.cert)).join("");
