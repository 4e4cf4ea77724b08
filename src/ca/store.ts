// Writing a CA into `<home>/ca/`: every file atomically, keys 0600 (encrypted when a password is given), and
// trusted_root.json removed first and written last, so a write that dies half-way leaves no CA that loads.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import type { KeyObject } from "node:crypto";
import { CairnError } from "../errors.ts";
import { writeFileAtomic } from "../services/atomic-file.ts";
import { certPem, type Cert } from "./certs.ts";
import { privateKeyPem } from "./keys.ts";
import { caDir, caPath } from "./layout.ts";
import { trustedRootJson } from "./root-json.ts";

/** Everything a CA consists of, before it is written. */
export interface CaMaterial {
  name: string;
  /** The CA chain's root, and its key when the CA made it (an imported root's key stays with its owner). */
  root: { cert: Cert; key?: KeyObject };
  /** [issuing intermediate, …] up to (not including) the root. */
  intermediates: Cert[];
  intermediateKey: KeyObject;
  /** [TSA leaf, …, root]. */
  tsaChain: Cert[];
  tsaKey: KeyObject;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** --name: what the certificates' O and CN and the trusted root's `cairn://<name>` say. */
export function checkCaName(name: string): void {
  if (!NAME.test(name)) {
    throw new CairnError("USAGE", `CA name ${JSON.stringify(name)} is not valid`, { hint: "use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit" });
  }
}

/** Whether the home has a (complete) CA. */
export const caExists = (home: string): boolean => existsSync(caPath(home, "trustedRoot"));

/** ALREADY_EXISTS unless `force`: checked before any key is made. */
export function refuseExisting(home: string, force: boolean | undefined, command: string): void {
  if (force || !caExists(home)) return;
  throw new CairnError("ALREADY_EXISTS", `this home already has a CA (${caDir(home)})`, {
    hint: `\`cairn ${command} --force\` replaces it: certificates it issued stop verifying for anyone who trusts only the new trusted_root.json`,
  });
}

export function writeCa(home: string, m: CaMaterial, password: string | undefined): void {
  mkdirSync(caDir(home), { recursive: true, mode: 0o700 });
  rmSync(caPath(home, "trustedRoot"), { force: true });
  const pem = (certs: Cert[]) => certs.map(certPem).join("");
  const key = (k: KeyObject) => privateKeyPem(k, password);
  if (m.root.key) writeFileAtomic(caPath(home, "rootKey"), key(m.root.key), 0o600);
  else rmSync(caPath(home, "rootKey"), { force: true });
  writeFileAtomic(caPath(home, "intermediateKey"), key(m.intermediateKey), 0o600);
  writeFileAtomic(caPath(home, "tsaKey"), key(m.tsaKey), 0o600);
  writeFileAtomic(caPath(home, "root"), pem([m.root.cert]), 0o644);
  writeFileAtomic(caPath(home, "intermediate"), pem(m.intermediates), 0o644);
  writeFileAtomic(caPath(home, "tsa"), pem(m.tsaChain.slice(0, 1)), 0o644);
  writeFileAtomic(caPath(home, "tsaChain"), pem(m.tsaChain), 0o644);
  const json = trustedRootJson({ name: m.name, caChain: [...m.intermediates, m.root.cert], tsaChain: m.tsaChain });
  writeFileAtomic(caPath(home, "trustedRoot"), json, 0o644);
}
