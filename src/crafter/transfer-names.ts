// The names an export tar may hold. Pure: import checks every entry name here before it reads a byte of content.

/** Longest entry name accepted (contract names are DNS-1123, ≤ 63 chars; blobs are 64 hex digits). */
export const MAX_ENTRY_NAME = 200;

export type EntryKind = "manifest" | "manifest-signature" | "runs" | "attestation" | "contract" | "blob" | "log";

export interface EntryName {
  kind: EntryKind;
  /** "sha256:<hex>" for attestations and blobs. */
  digest?: string;
  /** Contract name and revision for contract bodies. */
  contract?: string;
  revision?: number;
  format?: "yaml" | "json";
}

const HEX = "([0-9a-f]{64})";
const PATTERNS: [RegExp, (m: RegExpMatchArray) => EntryName][] = [
  [/^manifest\.json$/, () => ({ kind: "manifest" })],
  [/^manifest\.sigstore\.json$/, () => ({ kind: "manifest-signature" })],
  [/^runs\.json$/, () => ({ kind: "runs" })],
  [/^log\.json$/, () => ({ kind: "log" })],
  [new RegExp(`^attestations/${HEX}\\.json$`), (m) => ({ kind: "attestation", digest: `sha256:${m[1]}` })],
  [new RegExp(`^blobs/sha256/${HEX}$`), (m) => ({ kind: "blob", digest: `sha256:${m[1]}` })],
  [
    /^contracts\/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)\/([1-9][0-9]{0,8})\.(yaml|json)$/,
    (m) => ({ kind: "contract", contract: m[1]!, revision: Number(m[3]), format: m[4] as "yaml" | "json" }),
  ],
];

/**
 * Classifies an entry name, or says why it is refused. Only the layout's exact names pass, so absolute paths,
 * `..`, backslashes, NUL bytes and anything else outside the layout are refused by construction; the
 * explicit checks first only give a clearer reason.
 */
export function classifyEntryName(name: string): EntryName | { refused: string } {
  if (name.length === 0) return { refused: "the entry name is empty" };
  if (name.length > MAX_ENTRY_NAME) return { refused: `the entry name is longer than ${MAX_ENTRY_NAME} characters` };
  if (name.startsWith("/")) return { refused: "the entry name is an absolute path" };
  if (name.split(/[\\/]/).some((part) => part === "..")) return { refused: "the entry name contains `..`" };
  for (const [re, make] of PATTERNS) {
    const m = name.match(re);
    if (m) return make(m);
  }
  return { refused: "the entry name is not part of the export layout (manifest.json, manifest.sigstore.json, runs.json, log.json, attestations/, contracts/, blobs/sha256/)" };
}

/** The entry names export writes. */
export const entryNames = {
  /** The Sigstore bundle signing manifest.json (written just before it). */
  manifestSignature: "manifest.sigstore.json",
  attestation: (digest: string) => `attestations/${digest.slice("sha256:".length)}.json`,
  blob: (digest: string) => `blobs/sha256/${digest.slice("sha256:".length)}`,
  contract: (name: string, revision: number, format: "yaml" | "json") => `contracts/${name}/${revision}.${format}`,
};
