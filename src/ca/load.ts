// Loading the home CA for `cairn serve` (once, at start): certificates parsed, keys decrypted and imported into
// WebCrypto, and the files checked against each other so a damaged or half-replaced CA is named, not used.
import type { KeyObject } from "node:crypto";
import { CairnError } from "../errors.ts";
import { certPem, der, type Cert } from "./certs.ts";
import { keyAlgorithm, readPrivateKey, spkiOf, toSigningKey, type KeyAlgorithm } from "./keys.ts";
import { caDir, caPath, CA_PASSWORD_ENV, type CaFile } from "./layout.ts";
import { caExists } from "./store.ts";
import { readCaCerts, readCaFile } from "./summary.ts";

export interface LoadedCa {
  dir: string;
  /** The issuing intermediate (signs signing certificates). */
  intermediate: Cert;
  root: Cert;
  /** [intermediate, …, root]: parsed, DER and PEM. */
  caChain: Cert[];
  caChainDer: Uint8Array[];
  caChainPem: string[];
  /** The intermediate's private key and the algorithm it signs with (ECDSA P-384 with SHA-384 for a CA from `ca init`). */
  intermediateKey: CryptoKey;
  intermediateAlgorithm: KeyAlgorithm;
  /** The TSA leaf, its chain [leaf, …, root] parsed and DER, its private key and the digest its signatures use. */
  tsa: Cert;
  tsaChain: Cert[];
  tsaChainDer: Uint8Array[];
  tsaKey: CryptoKey;
  tsaHash: "SHA-256" | "SHA-384" | "SHA-512";
  /** The trusted_root.json text, as written by `ca init|import`. */
  trustedRootJson: string;
}

export interface LoadCaOptions {
  /** The keys' password (CAIRN_CA_PASSWORD); needed when they are encrypted. */
  password?: string;
}

/** The home CA, or undefined when it has none. KEY_PASSWORD when its keys are encrypted and the password is missing or wrong. */
export async function loadCa(home: string, o: LoadCaOptions = {}): Promise<LoadedCa | undefined> {
  if (!caExists(home)) return undefined;
  const damaged = (why: string) =>
    new CairnError("IO", `the CA in ${caDir(home)} is damaged: ${why}`, { hint: "restore its files from a backup, or make a new CA with `cairn ca init --force`" });
  const caChain = [...readCaCerts(home, "intermediate"), ...readCaCerts(home, "root")];
  const tsaChain = readCaCerts(home, "tsaChain");
  const trustedRootJson = readCaFile(home, "trustedRoot");
  const intermediate = caChain[0]!;
  const tsa = tsaChain[0]!;
  if (!sameChains(trustedRootJson, caChain, tsaChain)) throw damaged(`trusted_root.json does not hold the chains of intermediate.pem, root.pem and tsa-chain.pem`);

  const key = (file: CaFile, cert: Cert): KeyObject => {
    const k = readPrivateKey(readCaFile(home, file), { password: o.password, source: caPath(home, file), passwordEnv: CA_PASSWORD_ENV });
    if (!Buffer.from(spkiOf(k)).equals(Buffer.from(cert.publicKey.rawData))) throw damaged(`${caPath(home, file)} is not the key of ${cert.subject}`);
    return k;
  };
  const interKey = key("intermediateKey", intermediate);
  const tsaKey = key("tsaKey", tsa);
  const interAlg = keyAlgorithm(interKey);
  if (!interAlg) throw damaged(`${caPath(home, "intermediateKey")} has an unsupported algorithm`);
  const tsaAlg = keyAlgorithm(tsaKey);
  const tsaHash = tsaAlg?.hash;
  if (!tsaAlg || !tsaHash || tsaKey.asymmetricKeyType !== "ec") throw damaged(`${caPath(home, "tsaKey")} is not an ECDSA key`);
  return {
    dir: caDir(home),
    intermediate,
    root: caChain[caChain.length - 1]!,
    caChain,
    caChainDer: caChain.map(der),
    caChainPem: caChain.map(certPem),
    intermediateKey: await toSigningKey(interKey, interAlg),
    intermediateAlgorithm: interAlg,
    tsa,
    tsaChain,
    tsaChainDer: tsaChain.map(der),
    tsaKey: await toSigningKey(tsaKey, tsaAlg),
    tsaHash,
    trustedRootJson,
  };
}

/** Whether trusted_root.json's CA and TSA chains are exactly these certificates. */
function sameChains(json: string, caChain: Cert[], tsaChain: Cert[]): boolean {
  let root: { certificateAuthorities?: Chain[]; timestampAuthorities?: Chain[] };
  try {
    root = JSON.parse(json);
  } catch {
    return false;
  }
  const same = (a: Chain[] | undefined, certs: Cert[]) => {
    const got = a?.[0]?.certChain?.certificates?.map((c) => c.rawBytes) ?? [];
    return a?.length === 1 && got.length === certs.length && certs.every((c, i) => got[i] === Buffer.from(der(c)).toString("base64"));
  };
  return same(root.certificateAuthorities, caChain) && same(root.timestampAuthorities, tsaChain);
}

interface Chain {
  certChain?: { certificates?: { rawBytes?: string }[] };
}
