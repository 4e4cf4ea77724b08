// `cairn ca show`: the certificates of the home CA's two chains, read from the PEM files (no key, no password).
import { existsSync, readFileSync } from "node:fs";
import { CairnError } from "../errors.ts";
import { certPem, fingerprint, parseCertsPem, type Cert } from "./certs.ts";
import { caDir, caPath, type CaFile } from "./layout.ts";
import { caExists } from "./store.ts";

export interface CertSummary {
  /** "intermediate" or "root" in the CA chain; "tsa" or "root" in the TSA chain (anything between: "intermediate"). */
  role: "root" | "intermediate" | "tsa";
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** Lower-case hex SHA-256 of the DER. */
  sha256: string;
  pem: string;
}

export interface CaSummary {
  dir: string;
  /** [issuing intermediate, …, root]. */
  ca: CertSummary[];
  /** [TSA leaf, …, root]. */
  tsa: CertSummary[];
  /** Whether the private keys on disk are encrypted (need CAIRN_CA_PASSWORD). */
  keysEncrypted: boolean;
  /** Whether root.key is here (a CA made by `ca init`); an imported CA's root key stays with its owner. */
  rootKey: boolean;
}

/** Reads a CA file; IO naming it (and the fix) when it is missing. */
export function readCaFile(home: string, file: CaFile): string {
  try {
    return readFileSync(caPath(home, file), "utf8");
  } catch (e) {
    throw new CairnError("IO", `the CA in ${caDir(home)} is incomplete: cannot read ${caPath(home, file)}`, {
      hint: "restore the file, or make a new CA with `cairn ca init --force` (or `cairn ca import --force`)",
      cause: e,
    });
  }
}

export const readCaCerts = (home: string, file: CaFile): Cert[] => parseCertsPem(readCaFile(home, file), caPath(home, file));

function summarize(chain: Cert[], leafRole: "intermediate" | "tsa"): CertSummary[] {
  return chain.map((c, i) => ({
    role: i === chain.length - 1 ? "root" : i === 0 ? leafRole : "intermediate",
    subject: c.subject,
    issuer: c.issuer,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256: fingerprint(c),
    pem: certPem(c),
  }));
}

/** NOT_CONFIGURED when the home has no CA. */
export function caSummary(home: string): CaSummary {
  if (!caExists(home)) {
    throw new CairnError("NOT_CONFIGURED", `this home (${home}) has no CA`, { hint: "create one with `cairn ca init`, or bring your organization's with `cairn ca import`" });
  }
  const chain = [...readCaCerts(home, "intermediate"), ...readCaCerts(home, "root")];
  const tsa = readCaCerts(home, "tsaChain");
  const keysEncrypted = readCaFile(home, "intermediateKey").includes("ENCRYPTED");
  return { dir: caDir(home), ca: summarize(chain, "intermediate"), tsa: summarize(tsa, "tsa"), keysEncrypted, rootKey: existsSync(caPath(home, "rootKey")) };
}
