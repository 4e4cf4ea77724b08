// The CA's own certificates: the root, the intermediate that issues signing certificates (Fulcio's profile: pathlen
// 0, EKU codeSigning so Go verifiers chain it), and the timestamp authority's root and leaf (critical EKU timeStamping,
// which openssl ts and sigstore's timestamp-authority require).
import type { KeyObject } from "node:crypto";
import { x509 } from "../pki/x509.ts";
import { addYears, keyIdentifier, randomSerial, subjectName, type Cert } from "./certs.ts";
import { generateEcKey, keyAlgorithm, spkiOf, toSigningKey } from "./keys.ts";

const CA_USAGES = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
const TIME_STAMPING = "1.3.6.1.5.5.7.3.8";

/** A certificate and the private key of its subject. */
export interface Issuer {
  cert: Cert;
  key: KeyObject;
}

interface Spec {
  subject: InstanceType<typeof x509.Name>;
  subjectKey: KeyObject;
  issuer?: Issuer;
  notBefore: Date;
  notAfter: Date;
  extensions: InstanceType<typeof x509.Extension>[];
}

async function build(s: Spec): Promise<Cert> {
  const signer = s.issuer?.key ?? s.subjectKey;
  const alg = keyAlgorithm(signer);
  if (!alg) throw new Error("the CA's signing key has an unsupported algorithm"); // keys are checked before they get here
  const spki = spkiOf(s.subjectKey);
  const aki = s.issuer ? await keyIdentifier(s.issuer.cert) : Buffer.from(await new x509.PublicKey(spki).getKeyIdentifier()).toString("hex");
  // An issuer's notAfter bounds what it signs: a certificate never outlives its issuer.
  const notAfter = s.issuer && s.issuer.cert.notAfter < s.notAfter ? s.issuer.cert.notAfter : s.notAfter;
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: s.subject,
    issuer: s.issuer ? s.issuer.cert.subjectName : s.subject,
    notBefore: s.notBefore,
    notAfter,
    publicKey: spki,
    signingKey: await toSigningKey(signer, alg),
    signingAlgorithm: alg.sign,
    extensions: [...s.extensions, await x509.SubjectKeyIdentifierExtension.create(spki), new x509.AuthorityKeyIdentifierExtension(aki)],
  });
}

/** A self-signed ECDSA P-384 root: CA (pathlen `pathLength`), keyCertSign|cRLSign, 10 years. */
export async function makeRoot(organization: string, commonName: string, now: Date, pathLength: number): Promise<Issuer> {
  const key = generateEcKey("P-384").privateKey;
  const cert = await build({
    subject: subjectName(organization, commonName),
    subjectKey: key,
    notBefore: now,
    notAfter: addYears(now, 10),
    extensions: [new x509.BasicConstraintsExtension(true, pathLength, true), new x509.KeyUsagesExtension(CA_USAGES, true)],
  });
  return { cert, key };
}

/** The issuing intermediate: ECDSA P-384, CA pathlen 0, keyCertSign|cRLSign, EKU codeSigning, 5 years. */
export async function makeIntermediate(root: Issuer, organization: string, now: Date): Promise<Issuer> {
  const key = generateEcKey("P-384").privateKey;
  const cert = await build({
    subject: subjectName(organization, `${organization} intermediate`),
    subjectKey: key,
    issuer: root,
    notBefore: now,
    notAfter: addYears(now, 5),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(CA_USAGES, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
    ],
  });
  return { cert, key };
}

/** The TSA leaf: ECDSA P-384, KU digitalSignature and EKU timeStamping, both critical, 5 years. */
export async function makeTsaLeaf(root: Issuer, organization: string, now: Date): Promise<Issuer> {
  const key = generateEcKey("P-384").privateKey;
  const cert = await build({
    subject: subjectName(organization, `${organization} timestamping`),
    subjectKey: key,
    issuer: root,
    notBefore: now,
    notAfter: addYears(now, 5),
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true), new x509.ExtendedKeyUsageExtension([TIME_STAMPING], true)],
  });
  return { cert, key };
}
