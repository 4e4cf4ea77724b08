// Test-only: a TSA chain (root + leaf with a critical EKU timeStamping) made with @peculiar/x509, and openssl in a temp dir.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { x509 } from "../pki/x509.ts";
import { encodePem } from "../signing/pem.ts";

const HOUR = 3600_000;

export interface TsaChain {
  rootDer: Uint8Array;
  leafDer: Uint8Array;
  key: CryptoKey;
  publicKey: CryptoKey;
  rootPem: string;
  leafPem: string;
}

export async function makeTsaChain(curve: "P-256" | "P-384", o: { eku?: "critical" | "plain" | "codeSigning" } = {}): Promise<TsaChain> {
  const alg = { name: "ECDSA", namedCurve: curve, hash: curve === "P-256" ? "SHA-256" : "SHA-384" };
  const notBefore = new Date(Date.now() - 24 * HOUR);
  const notAfter = new Date(Date.now() + 24 * HOUR);
  const rootKeys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0a01", name: `CN=tsa-test-root ${curve}, O=cairn-test`, notBefore, notAfter, signingAlgorithm: alg, keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const eku = o.eku ?? "critical";
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: "7f02c3", subject: `CN=tsa-test ${curve}, O=cairn-test`, issuer: root.subject, notBefore, notAfter, signingAlgorithm: alg,
    publicKey: keys.publicKey, signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([eku === "codeSigning" ? x509.ExtendedKeyUsage.codeSigning : x509.ExtendedKeyUsage.timeStamping], eku !== "plain"),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const rootDer = new Uint8Array(root.rawData);
  const leafDer = new Uint8Array(leaf.rawData);
  return { rootDer, leafDer, key: keys.privateKey, publicKey: keys.publicKey, rootPem: encodePem("CERTIFICATE", rootDer), leafPem: encodePem("CERTIFICATE", leafDer) };
}

export interface Run {
  code: number;
  out: string;
}

/** A temp dir with `files` written, where `openssl args…` runs; removed afterwards. */
export function inTempDir<T>(files: Record<string, Uint8Array | string>, f: (dir: string, openssl: (...args: string[]) => Run) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "cairn-tsa-"));
  try {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    return f(dir, (...args) => {
      const r = Bun.spawnSync(["openssl", ...args], { cwd: dir, stdout: "pipe", stderr: "pipe" });
      return { code: r.exitCode, out: r.stdout.toString() + r.stderr.toString() };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
