// Fulcio-profile CAs, short-lived signing certificates and TSA certificates for the vectors (wire reference §2, §4).
import type { Issued, OpenSsl } from "./openssl.ts";

/** A CA of the vectors' private Sigstore: root → intermediate (issues signing certs), root → TSA leaf. */
export interface Authority {
  org: string;
  root: Issued;
  intermediate: Issued;
  tsa: Issued;
}

/** Long CA validity, so the vectors verify for decades (certificates are checked at the timestamp's time). */
export const CA_START = new Date("2025-01-01T00:00:00Z");
export const CA_END = new Date("2125-01-01T00:00:00Z");

const FULCIO = "1.3.6.1.4.1.57264.1";

/** Makes a P-384 root, a P-384 intermediate (pathlen:0, EKU codeSigning) and a P-384 TSA leaf signed by the root. */
export function makeAuthority(ssl: OpenSsl, prefix: string, org: string): Authority {
  const span = { start: CA_START, end: CA_END, curve: "P-384" as const };
  const root = ssl.issue({
    ...span, name: `${prefix}-root`, subject: `/O=${org}/CN=${org} root`,
    ext: ["basicConstraints = critical, CA:TRUE", "keyUsage = critical, keyCertSign, cRLSign", "subjectKeyIdentifier = hash"],
  });
  const intermediate = ssl.issue({
    ...span, name: `${prefix}-intermediate`, subject: `/O=${org}/CN=${org} intermediate`, issuer: root,
    ext: [
      "basicConstraints = critical, CA:TRUE, pathlen:0", "keyUsage = critical, keyCertSign, cRLSign",
      "extendedKeyUsage = codeSigning", "subjectKeyIdentifier = hash", "authorityKeyIdentifier = keyid",
    ],
  });
  const tsa = ssl.issue({
    ...span, name: `${prefix}-tsa`, subject: `/O=${org}/CN=${org} timestamp authority`, issuer: root,
    ext: [
      "basicConstraints = critical, CA:FALSE", "keyUsage = critical, digitalSignature",
      "extendedKeyUsage = critical, timeStamping", "subjectKeyIdentifier = hash", "authorityKeyIdentifier = keyid",
    ],
  });
  return { org, root, intermediate, tsa };
}

/** What a signing certificate says: one SAN URI plus Fulcio OID extensions. */
export interface Identity {
  san: string;
  /** Written as OID .1 (raw bytes) and .8 (UTF8String) unless overridden below. */
  issuer: string;
  /** OID .1 value when it must differ from `issuer`; null leaves .1 out. */
  issuerV1?: string | null;
  /** OID .8 value when it must differ from `issuer`; null leaves .8 out. */
  issuerV2?: string | null;
  /** Further UTF8String extensions by the last OID arc (9 = Build Signer URI, 24 = Token Subject, …). */
  extensions: Record<number, string>;
}

export const CAIRN_IDENTITY: Identity = {
  san: "https://cairn.test/orgs/acme/workflows/app/build",
  issuer: "https://cairn.test",
  extensions: { 24: "https://cairn.test/orgs/acme/workflows/app/build" },
};

const GITHUB_SAN = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
export const GITHUB_IDENTITY: Identity = {
  san: GITHUB_SAN,
  issuer: "https://token.actions.githubusercontent.com",
  extensions: {
    9: GITHUB_SAN,
    11: "github-hosted",
    12: "https://github.com/acme/app",
    14: "refs/heads/main",
    20: "push",
    24: "repo:acme/app:ref:refs/heads/main",
  },
};

/** A 10-minute signing certificate for `identity`, issued by `ca`'s intermediate, valid from `start`. */
export function issueLeaf(ssl: OpenSsl, ca: Authority, name: string, identity: Identity, start: Date): Issued {
  const v1 = identity.issuerV1 === undefined ? identity.issuer : identity.issuerV1;
  const v2 = identity.issuerV2 === undefined ? identity.issuer : identity.issuerV2;
  const ext = [
    "keyUsage = critical, digitalSignature",
    "extendedKeyUsage = codeSigning",
    "subjectKeyIdentifier = hash",
    "authorityKeyIdentifier = keyid",
    `subjectAltName = critical, URI:${identity.san}`,
  ];
  if (v1 !== null) ext.push(`${FULCIO}.1 = DER:${Buffer.from(v1, "utf8").toString("hex")}`);
  if (v2 !== null) ext.push(`${FULCIO}.8 = ASN1:UTF8String:${v2}`);
  for (const [arc, value] of Object.entries(identity.extensions)) ext.push(`${FULCIO}.${arc} = ASN1:UTF8String:${value}`);
  const end = new Date(start.getTime() + 10 * 60_000);
  return ssl.issue({ name, subject: "/", curve: "P-256", issuer: ca.intermediate, ext, start, end });
}
