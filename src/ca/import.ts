// `cairn ca import`: the organization's intermediate (and its key) becomes the issuing CA. The chain is checked as a
// verifier will check it: the key is the first certificate's, every certificate is a CA, each is signed by the next,
// the last is a self-signed root, and all are valid now. The TSA gets a root and leaf of its own (the organization's
// root key is not here to certify one); its root key is dropped once the leaf is signed.
import { CairnError } from "../errors.ts";
import { x509 } from "../pki/x509.ts";
import { isCa, isSelfSigned, parseCertsPem, type Cert } from "./certs.ts";
import { describeKey, keyAlgorithm, readPrivateKey, spkiOf, SUPPORTED_KEYS } from "./keys.ts";
import { CA_KEY_PASSWORD_ENV } from "./layout.ts";
import { makeRoot, makeTsaLeaf } from "./profiles.ts";
import { checkCaName, refuseExisting, writeCa } from "./store.ts";
import { caSummary, type CaSummary } from "./summary.ts";

export interface ImportCaOptions {
  /** PEM: the intermediate first, then its issuers up to a self-signed root. */
  chainPem: string;
  /** PEM private key of the intermediate (PKCS#8, encrypted PKCS#8, SEC1 or PKCS#1). */
  keyPem: string;
  /** The key file's password (the CLI passes CAIRN_CA_KEY_PASSWORD). */
  keyPassword?: string;
  /** Encrypts the keys written to the home (CAIRN_CA_PASSWORD). */
  password?: string;
  now: Date;
  /** The TSA certificates' organization and the trusted root's `cairn://<name>`; default "cairn". */
  name?: string;
  force?: boolean;
  /** How messages name the inputs; default "the chain" and "the key" (the CLI passes `--chain FILE`, `--key FILE`). */
  chainSource?: string;
  keySource?: string;
}

const ANY_EKU = "2.5.29.37.0";

export async function importCa(home: string, o: ImportCaOptions): Promise<CaSummary> {
  const name = o.name ?? "cairn";
  checkCaName(name);
  refuseExisting(home, o.force, "ca import");
  const chainSrc = o.chainSource ?? "the chain";
  const keySrc = o.keySource ?? "the key";
  const certs = parseCertsPem(o.chainPem, chainSrc);
  const key = readPrivateKey(o.keyPem, { password: o.keyPassword, source: keySrc, passwordEnv: CA_KEY_PASSWORD_ENV });
  if (!keyAlgorithm(key)) throw new CairnError("KEY_INVALID", `${keySrc} is a ${describeKey(key)} key, which cairn cannot sign with`, { hint: `use ${SUPPORTED_KEYS}` });
  const first = certs[0]!;
  if (!Buffer.from(spkiOf(key)).equals(Buffer.from(first.publicKey.rawData))) {
    throw new CairnError("KEY_INVALID", `${keySrc} is not the key of ${chainSrc}'s first certificate (${first.subject})`, { hint: "pass the intermediate's own key, and put the intermediate first in the chain" });
  }
  await checkChain(certs, chainSrc, o.now);
  const tsaRoot = await makeRoot(name, `${name} TSA root`, o.now, 0);
  const tsa = await makeTsaLeaf(tsaRoot, name, o.now);
  writeCa(home, { name, root: { cert: certs[certs.length - 1]! }, intermediates: certs.slice(0, -1), intermediateKey: key, tsaChain: [tsa.cert, tsaRoot.cert], tsaKey: tsa.key }, o.password);
  return caSummary(home);
}

async function checkChain(certs: Cert[], src: string, now: Date): Promise<void> {
  const bad = (why: string, hint: string): never => {
    throw new CairnError("USAGE", `${src}: ${why}`, { hint });
  };
  const name = (i: number) => `certificate ${i + 1} (${certs[i]!.subject})`;
  if (certs.length === 1 && isSelfSigned(certs[0]!)) {
    bad(`${name(0)} is a self-signed root`, "import an intermediate issued by your root, followed by the root; keep the root's key offline");
  }
  certs.forEach((c, i) => isCa(c) || bad(`${name(i)} is not a CA (it needs BasicConstraints CA:TRUE and, with KeyUsage, keyCertSign)`, "put the intermediate first, then its issuers up to the root"));
  const eku = certs[0]!.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku && !eku.usages.some((u) => u === x509.ExtendedKeyUsage.codeSigning || u === ANY_EKU)) {
    bad(`${name(0)} restricts its extended key usage without codeSigning`, "Go verifiers (sigstore-go, cosign) chain EKUs: issue the intermediate with EKU codeSigning, or without an EKU");
  }
  for (let i = 0; i < certs.length; i++) {
    const c = certs[i]!;
    const issuer = certs[i + 1] ?? c;
    if (i === certs.length - 1 && !isSelfSigned(c)) {
      bad(`the chain ends at ${name(i)}, which is issued by ${c.issuer}`, "append the issuing certificates up to the self-signed root");
    }
    if (c.issuer !== issuer.subject) bad(`${name(i)} is issued by ${c.issuer}, not by the next certificate (${issuer.subject})`, "order the chain from the intermediate up to the root");
    if (!(await verifies(c, issuer))) bad(`${name(i)} is not signed by ${i === certs.length - 1 ? "its own key" : `certificate ${i + 2}`}`, "the chain's certificates do not belong together");
    const pathLen = c.getExtension(x509.BasicConstraintsExtension)?.pathLength;
    if (pathLen !== undefined && pathLen < i) bad(`${name(i)} allows ${pathLen} intermediate(s) below it, but ${i} follow`, "issue the intermediate from a CA whose pathlen allows it");
    if (now < c.notBefore || now > c.notAfter) {
      bad(`${name(i)} is not valid now (${now.toISOString()}): valid from ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()}`, "renew it, or import a chain that is valid today");
    }
  }
}

async function verifies(c: Cert, issuer: Cert): Promise<boolean> {
  try {
    return await c.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}
