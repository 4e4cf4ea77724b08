// Small certificate helpers shared by the CA's builders, loader and issuer: serials, PEM, names, fingerprints.
import { createHash, randomBytes } from "node:crypto";
import { CairnError } from "../errors.ts";
import { x509 } from "../pki/x509.ts";
import { encodePem } from "../signing/pem.ts";

export type Cert = InstanceType<typeof x509.X509Certificate>;

/** A random positive 20-byte serial (RFC 5280's maximum; Fulcio's 160 bits) as hex, minimal DER (first byte 0x01–0x7f). */
export function randomSerial(): string {
  const b = randomBytes(20);
  b[0] = b[0]! & 0x7f || 0x01;
  return b.toString("hex");
}

export const der = (c: Cert): Uint8Array => new Uint8Array(c.rawData);

export const certPem = (c: Cert): string => encodePem("CERTIFICATE", der(c));

/** Lower-case hex SHA-256 of the DER, no colons. */
export const fingerprint = (c: Cert): string => createHash("sha256").update(der(c)).digest("hex");

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n([\s\S]*?)-----END CERTIFICATE-----/g;

/** Every CERTIFICATE block of a PEM text, in order; USAGE naming `source` and the block for anything broken. */
export function parseCertsPem(text: string, source: string): Cert[] {
  const out: Cert[] = [];
  for (const m of text.matchAll(CERT_BLOCK)) {
    const body = (m[1] ?? "").replace(/\s+/g, "");
    const n = out.length + 1;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
      throw new CairnError("USAGE", `${source}: certificate ${n} is not valid base64`, { hint: "pass PEM certificates as openssl writes them" });
    }
    try {
      out.push(new x509.X509Certificate(Buffer.from(body, "base64")));
    } catch (e) {
      throw new CairnError("USAGE", `${source}: certificate ${n} is not an X.509 certificate (${(e as Error).message})`, { cause: e });
    }
  }
  if (out.length === 0) throw new CairnError("USAGE", `${source} holds no PEM certificate`, { hint: "expected -----BEGIN CERTIFICATE----- blocks" });
  return out;
}

/** A subject name as a JSON name (no RFC 4514 escaping needed): O=org, CN=cn. */
export const subjectName = (organization: string, commonName: string) => new x509.Name([{ O: [organization] }, { CN: [commonName] }]);

/** The first value of an attribute (`O`, `CN`) of a certificate's subject. */
export function subjectField(c: Cert, attr: "O" | "CN"): string | undefined {
  return c.subjectName.getField(attr)[0];
}

export function isSelfSigned(c: Cert): boolean {
  return c.subject === c.issuer;
}

/** BasicConstraints cA, and KeyUsage keyCertSign when KeyUsage is present. */
export function isCa(c: Cert): boolean {
  const bc = c.getExtension(x509.BasicConstraintsExtension);
  if (!bc?.ca) return false;
  const ku = c.getExtension(x509.KeyUsagesExtension);
  return !ku || (ku.usages & x509.KeyUsageFlags.keyCertSign) !== 0;
}

/** The subject key identifier (hex) a certificate carries, or the one computed from its key (SHA-1 of the key bits). */
export async function keyIdentifier(c: Cert): Promise<string> {
  const ski = c.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) return ski.keyId;
  return Buffer.from(await c.publicKey.getKeyIdentifier()).toString("hex");
}

/** 10 years, 5 years: calendar years in UTC. */
export function addYears(d: Date, years: number): Date {
  const out = new Date(d);
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}
