// Where a home keeps its CA: `<home>/ca/`. trusted_root.json is written last and removed first, so it marks a CA
// that is complete: without it there is no CA, whatever else the directory holds.
import { join } from "node:path";

export const CA_FILES = {
  root: "root.pem",
  rootKey: "root.key",
  /** The issuing intermediate first, then any intermediates between it and the root (an imported chain). */
  intermediate: "intermediate.pem",
  intermediateKey: "intermediate.key",
  tsa: "tsa.pem",
  tsaKey: "tsa.key",
  /** The TSA leaf, then its issuers up to its root. */
  tsaChain: "tsa-chain.pem",
  trustedRoot: "trusted_root.json",
} as const;

export type CaFile = keyof typeof CA_FILES;

export const caDir = (home: string): string => join(home, "ca");

export const caPath = (home: string, file: CaFile): string => join(caDir(home), CA_FILES[file]);

/** The environment variable holding the password of the CA's keys (`cairn ca init|import`, `cairn serve`). */
export const CA_PASSWORD_ENV = "CAIRN_CA_PASSWORD";

/** The environment variable holding the password of an imported key file (`cairn ca import --key`). */
export const CA_KEY_PASSWORD_ENV = "CAIRN_CA_KEY_PASSWORD";
