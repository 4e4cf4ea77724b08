// `cairn ca init`: a new root, the intermediate that issues signing certificates, and a TSA leaf under the same root.
import { makeIntermediate, makeRoot, makeTsaLeaf } from "./profiles.ts";
import { caSummary, type CaSummary } from "./summary.ts";
import { checkCaName, refuseExisting, writeCa } from "./store.ts";

export interface InitCaOptions {
  now: Date;
  /** Encrypts the private keys (aes-256-cbc PKCS#8); the CLI passes CAIRN_CA_PASSWORD. */
  password?: string;
  /** The certificates' organization and the trusted root's `cairn://<name>`; default "cairn". */
  name?: string;
  /** Replace an existing CA. */
  force?: boolean;
}

export async function initCa(home: string, o: InitCaOptions): Promise<CaSummary> {
  const name = o.name ?? "cairn";
  checkCaName(name);
  refuseExisting(home, o.force, "ca init");
  // pathlen 1: the root certifies the intermediate (pathlen 0) and the TSA leaf, nothing deeper.
  const root = await makeRoot(name, `${name} root`, o.now, 1);
  const intermediate = await makeIntermediate(root, name, o.now);
  const tsa = await makeTsaLeaf(root, name, o.now);
  writeCa(home, { name, root, intermediates: [intermediate.cert], intermediateKey: intermediate.key, tsaChain: [tsa.cert, root.cert], tsaKey: tsa.key }, o.password);
  return caSummary(home);
}
