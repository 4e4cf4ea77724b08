// The transparency log across an air gap. `cairn export` adds log.json: the newest signed checkpoint of the
// exporting home's log, and a fresh inclusion proof against it for every exported bundle whose entry is in that log.
// `cairn import` checks the checkpoint's signature with the log key of a trusted root, every proof against it (a
// failure refuses the whole import), refuses a checkpoint that is older than, or forks from, one it took before,
// and records it, so a later transfer — or `cairn log consistency --from` when the server is reachable — can be
// checked against it.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CairnError } from "../../errors.ts";
import { leafHash } from "../../tlog/hash.ts";
import { TileFetch } from "../tlog/tile-fetch.ts";
import { inclusionProof, verifyInclusion } from "../../tlog/merkle.ts";
import { parseTransparencyLogEntry } from "../../tlog/rekor/entry.ts";
import type { NamedRoot } from "../../trust/trusted-root.ts";
import { writeFileAtomic } from "../atomic-file.ts";
import type { ServiceDeps } from "../deps.ts";
import { claimedOrigin, logKeyFromRoots, verifyCheckpoint, type VerifiedCheckpoint } from "../tlog/verify-log.ts";

export const LOG_ENTRY = "log.json";

interface LogProof {
  attestation: string;
  index: number;
  hashes: string[];
}

interface LogDoc {
  checkpoint: string;
  proofs: LogProof[];
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const refuse = (why: string, hint?: string): never => {
  throw new CairnError("VERIFY_FAILED", `${LOG_ENTRY}: ${why}`, { hint: hint ?? "the export was altered, or its log is not the one you trust; nothing was imported" });
};

type BundleJson = { verificationMaterial?: { tlogEntries?: { canonicalizedBody?: string }[] } };

function entryBody(bundle: Uint8Array): Uint8Array | undefined {
  const b = JSON.parse(new TextDecoder().decode(bundle)) as BundleJson;
  const body = b.verificationMaterial?.tlogEntries?.[0]?.canonicalizedBody;
  return body ? new Uint8Array(Buffer.from(body, "base64")) : undefined;
}

/** log.json for these bundles, or undefined when the home keeps no log (or none of them is on it). */
export async function exportLogProofs(deps: ServiceDeps, bundles: { digest: string; bytes: Uint8Array }[]): Promise<Uint8Array | undefined> {
  const latest = await deps.tlog.latestCheckpoint();
  if (!latest || latest.size === 0) return undefined;
  const proofs: LogProof[] = [];
  const tiles = new TileFetch((l, i) => deps.tlog.tile(l, i));
  for (const { digest, bytes } of bundles) {
    const body = entryBody(bytes);
    const index = body ? await deps.tlog.indexOfBody(new Uint8Array(createHash("sha256").update(body).digest())) : undefined;
    if (index === undefined || index >= latest.size) continue;
    proofs.push({ attestation: digest, index, hashes: (await tiles.run((read) => inclusionProof(index, latest.size, read))).map(b64) });
  }
  if (proofs.length === 0) return undefined;
  return new TextEncoder().encode(`${JSON.stringify({ checkpoint: latest.note, proofs } satisfies LogDoc, null, 2)}\n`);
}

/** Checks log.json against the trusted roots and the bundles it names; returns the checkpoint to record. */
export function verifyLogProofs(bytes: Uint8Array, bundles: Map<string, Uint8Array>, roots: NamedRoot[]): VerifiedCheckpoint {
  let doc: LogDoc;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes)) as LogDoc;
  } catch {
    return refuse("is not JSON");
  }
  if (typeof doc.checkpoint !== "string" || !Array.isArray(doc.proofs)) refuse("needs {checkpoint, proofs}");
  const cp = verifyCheckpoint(doc.checkpoint, logKeyFromRoots(claimedOrigin(doc.checkpoint), roots), `${LOG_ENTRY}'s checkpoint`);
  for (const [i, p] of doc.proofs.entries()) {
    const bundle = bundles.get(p.attestation) ?? refuse(`proofs[${i}] names attestation ${String(p.attestation).slice(0, 80)}, which the export does not hold`);
    const tle = (JSON.parse(new TextDecoder().decode(bundle)) as BundleJson).verificationMaterial?.tlogEntries?.[0] ?? refuse(`proofs[${i}]: attestation ${p.attestation} carries no log entry`);
    const entry = parseTransparencyLogEntry(tle);
    if (!Number.isSafeInteger(p.index) || p.index !== entry.index || !Array.isArray(p.hashes)) refuse(`proofs[${i}] is not the proof of the bundle's entry ${entry.index}`);
    const hashes = p.hashes.map((h) => new Uint8Array(Buffer.from(String(h), "base64")));
    if (!verifyInclusion(p.index, cp.size, leafHash(entry.body), hashes, cp.root)) refuse(`attestation ${p.attestation}'s log entry ${p.index} is not in the tree of the export's checkpoint (${cp.size} entries)`);
  }
  return cp;
}

interface Received {
  version: 1;
  logs: Record<string, { size: number; root: string; checkpoint: string; importedAt: string }>;
}

const receivedPath = (home: string) => join(home, "log", "received.json");

function readReceived(home: string): Received {
  if (!existsSync(receivedPath(home))) return { version: 1, logs: {} };
  try {
    const r = JSON.parse(readFileSync(receivedPath(home), "utf8")) as Received;
    if (r.version === 1 && typeof r.logs === "object") return r;
  } catch {
    // named below
  }
  throw new CairnError("STORE_INVALID", `${receivedPath(home)} is damaged`, { hint: "restore it from a backup: it holds the newest checkpoint imported from each log" });
}

/** A checkpoint older than, or of the same size but another root than, the newest one imported before is refused. */
export function checkAgainstReceived(home: string, cp: VerifiedCheckpoint): void {
  const prev = readReceived(home).logs[cp.origin];
  if (!prev) return;
  if (cp.size < prev.size) refuse(`its checkpoint has ${cp.size} entries, but one with ${prev.size} was imported from log ${cp.origin} before: the log was rolled back`, "keep the export as evidence; nothing was imported");
  if (cp.size === prev.size && b64(cp.root) !== prev.root) refuse(`its checkpoint has the same size (${cp.size}) as the one imported before but another root: the log forked`, "keep the export as evidence; nothing was imported");
}

export function recordReceived(home: string, cp: VerifiedCheckpoint, now: Date): void {
  const r = readReceived(home);
  const prev = r.logs[cp.origin];
  if (prev && prev.size >= cp.size) return;
  r.logs[cp.origin] = { size: cp.size, root: b64(cp.root), checkpoint: cp.note, importedAt: now.toISOString() };
  writeFileAtomic(receivedPath(home), `${JSON.stringify(r, null, 2)}\n`, 0o644);
}
