// The export tar's layout (cairn export / cairn import). Entries, in the order export writes them:
//   runs.json                                the selected runs (ExportedRun[])
//   contracts/<name>/<revision>.<yaml|json>  revisions 1..used of each contract a run used (numbers line up on import)
//   attestations/<hex>.json                  each bundle, byte for byte as stored
//   blobs/sha256/<hex>                       every CAS blob a bundle marks as uploaded
//   log.json                                 the transparency-log checkpoint and proofs (homes with a log)
//   manifest.sigstore.json                   signed exports: a Sigstore bundle whose one subject is manifest.json
//                                            (manifest-signature.ts); import refuses an unsigned export by default
//   manifest.json                            LAST: every other entry with its sha256 and size, and the format version
// The manifest comes last because its digests are computed while the entries stream out (nothing is read twice).
import { CairnError } from "../../errors.ts";
import type { RunState } from "../../store/ports.ts";

export const FORMAT = "cairn-export";
export const FORMAT_VERSION = 1;

/** Limits on what import reads: JSON entries are held in memory, blobs are streamed to disk. */
export const MAX_JSON_ENTRY = 32 * 1024 * 1024;
export const MAX_BLOB_ENTRY = 64 * 1024 * 1024 * 1024;
export const MAX_ENTRIES = 1_000_000;
/** All JSON entries together (they stay in memory until everything is verified). */
export const MAX_JSON_TOTAL = 512 * 1024 * 1024;

export interface ManifestEntry {
  name: string;
  digest: string;
  size: number;
}

export interface Manifest {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  /** The organization the evidence was exported from (informational; import stores into the current one). */
  organization: string;
  entries: ManifestEntry[];
}

/** A run as runs.json carries it. Ids are kept; workflows, projects and contracts are matched by name on import. */
export interface ExportedRun {
  id: string;
  workflow: string;
  project: string;
  /** The team the signed statement names (metadata.team); import refuses any other. */
  team: string | null;
  description: string | null;
  /** The contract the run used (from the signed statement) and the revisions it saw. */
  contract: string;
  contractRevisionUsed: number;
  contractRevisionLatest: number;
  /** succeeded or blocked (a run with an attestation); import re-derives it from the signed statement. */
  state: RunState;
  reason: string | null;
  /** The token name that pushed the attestation to `cairn serve` (null: pushed locally); absent in older exports. */
  pushedBy?: string | null;
  runnerType: string;
  runnerUrl: string | null;
  createdAt: string;
  finishedAt: string | null;
  attestation: { digest: string; predicateType: string; createdAt: string };
  /** The SLSA provenance stored beside the attestation (absent in older exports and when none was signed). */
  provenance?: { digest: string; createdAt: string };
}

const bad = (entry: string, why: string): never => {
  throw new CairnError("VERIFY_FAILED", `${entry}: ${why}`, { hint: "the export file is damaged or was not written by `cairn export`; nothing was imported" });
};

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isNullStr = (v: unknown) => v === null || isStr(v);
const isPosInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function parseJsonEntry(entry: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return bad(entry, "is not valid UTF-8 JSON");
  }
}

export function checkManifest(doc: unknown): Manifest {
  if (!isObj(doc) || doc.format !== FORMAT) return bad("manifest.json", `is not a ${FORMAT} manifest`);
  if (doc.version !== FORMAT_VERSION) return bad("manifest.json", `format version ${JSON.stringify(doc.version)} is not supported (this cairn reads ${FORMAT_VERSION})`);
  if (!isStr(doc.createdAt) || !isStr(doc.organization) || !Array.isArray(doc.entries)) return bad("manifest.json", "lacks createdAt, organization or entries");
  doc.entries.forEach((e, i) => {
    if (!isObj(e) || !isStr(e.name) || !isStr(e.digest) || !DIGEST.test(e.digest) || !isPosInt(e.size)) bad("manifest.json", `entries[${i}] is not {name, digest, size}`);
  });
  return doc as unknown as Manifest;
}

export function checkRuns(doc: unknown): ExportedRun[] {
  if (!Array.isArray(doc)) return bad("runs.json", "is not a list of runs");
  doc.forEach((r, i) => {
    const at = `runs.json [${i}]`;
    if (!isObj(r)) return bad(at, "is not an object");
    for (const f of ["id", "workflow", "project", "contract", "runnerType", "createdAt"]) if (!isStr(r[f]) || r[f] === "") bad(at, `field ${f} is missing`);
    for (const f of ["team", "description", "reason", "runnerUrl", "finishedAt"]) if (!isNullStr(r[f])) bad(at, `field ${f} must be a string or null`);
    if (r.pushedBy !== undefined && !isNullStr(r.pushedBy)) bad(at, "field pushedBy must be a string or null");
    if (!isPosInt(r.contractRevisionUsed) || !isPosInt(r.contractRevisionLatest)) bad(at, "contract revisions must be integers");
    // Only attested runs are exported, and a run that took an attestation is succeeded or blocked.
    if (r.state !== "succeeded" && r.state !== "blocked") bad(at, `state ${JSON.stringify(r.state)}: an exported run with an attestation is succeeded or blocked`);
    for (const t of [r.createdAt, r.finishedAt, isObj(r.attestation) ? r.attestation.createdAt : null]) if (isStr(t) && Number.isNaN(Date.parse(t))) bad(at, `${JSON.stringify(t)} is not a time`);
    const a = r.attestation;
    if (!isObj(a) || !isStr(a.digest) || !DIGEST.test(a.digest) || !isStr(a.predicateType) || !isStr(a.createdAt)) bad(at, "attestation must be {digest, predicateType, createdAt}");
    const p = r.provenance;
    if (p !== undefined && (!isObj(p) || !isStr(p.digest) || !DIGEST.test(p.digest) || !isStr(p.createdAt) || Number.isNaN(Date.parse(p.createdAt)))) bad(at, "provenance must be {digest, createdAt}");
  });
  return doc as ExportedRun[];
}
