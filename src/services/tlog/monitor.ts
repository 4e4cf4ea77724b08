// `cairn log monitor --state FILE`: what SecOps' cron runs. It remembers the last checkpoint it verified and, each
// run, checks the log from the first entry: every entry's body must hash to the leaf its tile commits to, the
// leaves must hash to the new checkpoint's root, the first `old size` of them to the remembered root (so the new
// checkpoint extends the old one: no fork, no rewrite), the tree may not shrink, and the checkpoint must be signed
// by the remembered key. The first failure names the first bad index; the state is only advanced on success.
import { CairnError } from "../../errors.ts";
import { bytesEqual, leafHash } from "../../tlog/hash.ts";
import { CompactRange } from "../../tlog/merkle.ts";
import type { NamedRoot } from "../../trust/trusted-root.ts";
import { describeEntry, type EntrySummary } from "./describe.ts";
import type { LogSource } from "./source.ts";
import { claimedOrigin, logKeyFromRoots, logKeyFromSpki, verifyCheckpoint, type LogKey } from "./verify-log.ts";

export interface MonitorState {
  version: 1;
  origin: string;
  /** The log key (base64 SPKI) first trusted; a checkpoint under another key is a failure. */
  logKey: string;
  size: number;
  root: string;
  checkpoint: string;
  verifiedAt: string;
}

export interface MonitorResult {
  ok: true;
  origin: string;
  previousSize: number;
  size: number;
  root: string;
  /** Entries appended since the previous run. */
  appended: EntrySummary[];
  state: MonitorState;
}

const CHUNK = 4096;
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const fail = (message: string, details?: Record<string, unknown>) =>
  new CairnError("VERIFY_FAILED", `transparency log check failed: ${message}`, { hint: "the log was tampered with, or forked: keep the state file and the last checkpoint as evidence", ...(details && { details }) });

export async function monitorLog(source: LogSource, previous: MonitorState | undefined, roots: NamedRoot[], now: Date): Promise<MonitorResult> {
  const note = await source.checkpoint();
  if (!note) throw fail(`${source.name} publishes no checkpoint`);
  const origin = previous?.origin ?? claimedOrigin(note);
  const key: LogKey = previous ? logKeyFromSpki(previous.origin, previous.logKey, "the monitor's state") : logKeyFromRoots(origin, roots);
  const cp = verifyCheckpoint(note, key, `the checkpoint of ${source.name}`);
  const oldSize = previous?.size ?? 0;
  if (cp.size < oldSize) throw fail(`the tree shrank from ${oldSize} to ${cp.size} entries; the first missing index is ${cp.size}`, { firstBadIndex: cp.size });

  const range = new CompactRange();
  const appended: EntrySummary[] = [];
  for (let from = 0; from < cp.size; from += CHUNK) {
    const to = Math.min(cp.size, from + CHUNK);
    const bodies = await source.bodies(from, to);
    if (bodies.length !== to - from) throw fail(`entry ${from + bodies.length} is missing (the checkpoint covers ${cp.size} entries)`, { firstBadIndex: from + bodies.length });
    const leaves = await leafTiles(source, cp.size, from, to);
    for (let i = from; i < to; i++) {
      const body = bodies[i - from]!;
      const leaf = leafHash(body);
      if (!bytesEqual(leaf, leaves.subarray((i - from) * 32, (i - from + 1) * 32))) {
        throw fail(`entry ${i} was rewritten: its body no longer hashes to the leaf the tree commits to`, { firstBadIndex: i });
      }
      range.append(leaf);
      if (range.size === oldSize && previous && b64(range.root()) !== previous.root) {
        throw fail(`the first ${oldSize} entries no longer hash to the checkpoint verified at ${previous.verifiedAt}: the log forked or was rewritten at or before index ${oldSize - 1}`, { firstBadIndex: oldSize - 1 });
      }
      if (i >= oldSize) appended.push(describeEntry(i, body));
    }
  }
  if (!bytesEqual(range.root(), cp.root)) throw fail(`the ${cp.size} entries do not hash to the checkpoint's root: the tiles were altered`);
  const state: MonitorState = { version: 1, origin: cp.origin, logKey: key.spki, size: cp.size, root: b64(cp.root), checkpoint: cp.note, verifiedAt: now.toISOString() };
  return { ok: true, origin: cp.origin, previousSize: oldSize, size: cp.size, root: state.root, appended, state };
}

/** The level-0 hashes of entries [from, to), from their tiles. */
async function leafTiles(source: LogSource, size: number, from: number, to: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let t = Math.floor(from / 256); t * 256 < to; t++) {
    const width = Math.min(256, size - t * 256);
    const tile = await source.tile(0, t, width);
    if (!tile || tile.length !== width * 32) throw fail(`the leaf tile of entries ${t * 256}.. is missing or short`, { firstBadIndex: t * 256 });
    const lo = Math.max(from, t * 256) - t * 256;
    const hi = Math.min(to, t * 256 + width) - t * 256;
    parts.push(tile.subarray(lo * 32, hi * 32));
  }
  return Buffer.concat(parts);
}

export function parseMonitorState(text: string, file: string): MonitorState {
  try {
    const s = JSON.parse(text) as MonitorState;
    if (s.version === 1 && typeof s.origin === "string" && typeof s.logKey === "string" && Number.isSafeInteger(s.size) && typeof s.root === "string") return s;
  } catch {
    // named below
  }
  throw new CairnError("USAGE", `${file} is not a cairn log monitor state`, { hint: "point --state at the file an earlier `cairn log monitor` wrote, or at a new path to start" });
}
