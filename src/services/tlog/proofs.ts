// `cairn log checkpoint | prove | consistency`: read the log (store or HTTP), check every checkpoint against the
// log key of a trusted root, and prove — an entry's inclusion, or the newest tree's consistency with an older one.
import { CairnError } from "../../errors.ts";
import { leafHash } from "../../tlog/hash.ts";
import { consistencyProof, inclusionProof, verifyConsistency, verifyInclusion } from "../../tlog/merkle.ts";
import { parseTransparencyLogEntry } from "../../tlog/rekor/entry.ts";
import type { NamedRoot } from "../../trust/trusted-root.ts";
import type { LogSource } from "./source.ts";
import { claimedOrigin, logKeyFromRoots, verifyCheckpoint, withTiles, type VerifiedCheckpoint } from "./verify-log.ts";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

export async function latestCheckpoint(source: LogSource, roots: NamedRoot[]): Promise<VerifiedCheckpoint> {
  const note = await source.checkpoint();
  if (!note) throw new CairnError("NOT_FOUND", `${source.name} has no checkpoint yet`);
  return verifyCheckpoint(note, logKeyFromRoots(claimedOrigin(note), roots), `the checkpoint of ${source.name}`);
}

export interface Proved {
  index: number;
  treeSize: number;
  rootHash: string;
  hashes: string[];
  checkpoint: string;
}

/** A fresh inclusion proof of the bundle's log entry against the newest checkpoint. */
export async function proveBundle(source: LogSource, bundle: unknown, roots: NamedRoot[]): Promise<Proved> {
  const entries = (bundle as { verificationMaterial?: { tlogEntries?: unknown[] } }).verificationMaterial?.tlogEntries ?? [];
  if (entries.length === 0) throw new CairnError("USAGE", "the bundle carries no transparency-log entry", { hint: "push it through a `cairn serve` with a log" });
  const e = parseTransparencyLogEntry(entries[0]);
  const cp = await latestCheckpoint(source, roots);
  if (e.index >= cp.size) throw new CairnError("VERIFY_FAILED", `the bundle's entry ${e.index} is beyond the log's newest checkpoint (${cp.size} entries)`);
  const proof = await withTiles(source, cp.size, (read) => inclusionProof(e.index, cp.size, read));
  if (!verifyInclusion(e.index, cp.size, leafHash(e.body), proof, cp.root)) {
    throw new CairnError("VERIFY_FAILED", `entry ${e.index} of the bundle is not in the log's tree of ${cp.size} entries: the bundle's body or the log was altered`);
  }
  return { index: e.index, treeSize: cp.size, rootHash: b64(cp.root), hashes: proof.map(b64), checkpoint: cp.note };
}

export interface Consistent {
  fromSize: number;
  toSize: number;
  hashes: string[];
  checkpoint: string;
}

/** The newest checkpoint extends `older` (a signed checkpoint a client kept): RFC 6962 consistency, verified. */
export async function proveConsistency(source: LogSource, older: string, roots: NamedRoot[]): Promise<Consistent> {
  const old = verifyCheckpoint(older, logKeyFromRoots(claimedOrigin(older), roots), "the --from checkpoint");
  const cp = await latestCheckpoint(source, roots);
  if (cp.origin !== old.origin) throw new CairnError("VERIFY_FAILED", `the --from checkpoint is of log ${old.origin}, not ${cp.origin}`);
  if (cp.size < old.size) throw new CairnError("VERIFY_FAILED", `the log shrank: the --from checkpoint has ${old.size} entries, the newest ${cp.size}`);
  const proof = old.size === 0 ? [] : await withTiles(source, cp.size, (read) => consistencyProof(old.size, cp.size, read));
  const ok = old.size === 0 || verifyConsistency(old.size, cp.size, proof, old.root, cp.root);
  if (!ok) throw new CairnError("VERIFY_FAILED", `the log's tree of ${cp.size} entries is not an extension of the --from checkpoint (${old.size} entries): the log forked or was rewritten`);
  return { fromSize: old.size, toSize: cp.size, hashes: proof.map(b64), checkpoint: cp.note };
}
