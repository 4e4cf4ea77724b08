import { lstatSync, rmSync } from "node:fs";
import { parseDuration } from "../../config.ts";
import { CairnError } from "../../errors.ts";
import { sweepTmp } from "../../store/cas/leftovers.ts";
import { liveness, selfWriter, type WriterId } from "../../store/cas/writer.ts";
import type { ServiceDeps } from "../deps.ts";
import { casRoot, walkCas } from "./cas-scan.ts";

export interface GcInput {
  /** Minimum age (file mtime) of anything removed, e.g. "24h" (the default). */
  grace?: string;
  dryRun?: boolean;
}

export interface GcReport {
  dryRun: boolean;
  graceMs: number;
  /** Blobs removed (or, in a dry run, that would be). */
  removed: { digest: string; size: number }[];
  tmpRemoved: { name: string; size: number }[];
  bytesFreed: number;
  scanned: number;
  /** Why the rest stayed: referenced by the store, younger than the grace period, or an open run's / in-flight ingest's. */
  kept: { referenced: number; recent: number; crafting: number };
}

export const DEFAULT_GRACE = "24h";

/**
 * `store gc`: removes CAS blobs that nothing references (attestations, downloadable referrers, uploads) and that are
 * older than the grace period, plus cas/tmp leftovers of dead writers (any age). A crafting run's materials are
 * unreferenced until push: the store records them as the open run's (whatever state file the job uses), and an
 * ingest in progress holds a lease, so neither is removed whatever the grace. Each blob is re-checked and removed
 * under the store's write lock, so a push or an ingest that lands during gc keeps its blob.
 */
export async function gcStore(deps: ServiceDeps, input: GcInput = {}): Promise<GcReport> {
  const run = await deps.repo.alone("store-gc", () => collectGarbage(deps, input));
  if (run.ran) return run.value;
  throw new CairnError("IN_USE", `another \`cairn store gc\` is running on this database${run.since ? ` (since ${run.since})` : ""}`, {
    hint: "wait for it to finish, then run gc again if needed: one gc at a time checks the shared leases and references",
  });
}

/** One gc; on PostgreSQL, the only one on the database (gcStore holds its lock). */
async function collectGarbage(deps: ServiceDeps, input: GcInput): Promise<GcReport> {
  const graceMs = parseDuration(input.grace ?? DEFAULT_GRACE, "--grace");
  const dryRun = input.dryRun ?? false;
  const root = casRoot(deps.config.home);
  const crafting = craftingDigests(deps);
  const report: GcReport = { dryRun, graceMs, removed: [], tmpRemoved: [], bytesFreed: 0, scanned: 0, kept: { referenced: 0, recent: 0, crafting: 0 } };
  // File times are the OS clock's, so ages are measured against it, not the injected clock (which CAIRN_FIXED_TIME
  // may pin anywhere: a pinned future would make every blob look old).
  const cutoff = Date.now() - graceMs;
  const since = new Date(Date.now() - INGEST_LEASE_MS).toISOString();
  if (!dryRun) await deps.leases.prune(since, (w) => liveness(w) === "dead");

  for await (const entry of walkCas(root)) {
    if ("stray" in entry) continue; // not ours to delete
    const { digest, path, size, mtimeMs } = entry.blob;
    report.scanned++;
    const verdict = mtimeMs > cutoff ? "recent" : crafting.has(digest) ? "crafting" : (await kept(deps, digest, since)) ?? (await collect(deps, { path, digest, cutoff, since, dryRun }));
    if (verdict !== "removed") report.kept[verdict]++;
    else {
      report.removed.push({ digest, size });
      report.bytesFreed += size;
    }
  }
  // A live writer's file is never touched; a dead one's whatever its age; one whose writer cannot be told (another
  // host's, an older cairn's) after the grace period.
  for (const t of await sweepTmp(root, { unknownAfterMs: graceMs, dryRun })) {
    report.tmpRemoved.push({ name: t.name, size: t.size });
    report.bytesFreed += t.size;
  }
  return report;
}

/** An ingest lease protects its blob at most this long after it was taken, even while its process lives (`serve`). */
const INGEST_LEASE_MS = 3_600_000;

/**
 * Why a blob stays, read without the write lock (keeping needs none, and nearly every blob of a store is referenced);
 * undefined for a candidate, which collect() looks at again under the lock.
 */
async function kept(deps: ServiceDeps, digest: string, since: string): Promise<"crafting" | "referenced" | undefined> {
  if (await deps.leases.isLeased(digest, since, othersLive)) return "crafting";
  if (await deps.orgs.isBlobReferenced(digest)) return "referenced";
  return undefined;
}

/**
 * The last look and the unlink, under the store's write lock: no ingest can take a lease meanwhile (it takes one
 * before it looks for its blob), an open run's reference or a lease of a live ingest keeps the blob, and so does
 * a re-ingest of the same bytes that touched it.
 */
async function collect(deps: ServiceDeps, c: { path: string; digest: string; cutoff: number; since: string; dryRun: boolean }): Promise<"removed" | "recent" | "crafting" | "referenced"> {
  return await deps.leases.exclusive(async () => {
    const keep = await kept(deps, c.digest, c.since);
    if (keep) return keep;
    const st = lstatOrUndefined(c.path);
    if (st === undefined || st.mtimeMs > c.cutoff) return "recent";
    if (!c.dryRun) rmSync(c.path, { force: true });
    return "removed";
  });
}

/**
 * gc runs as a command of its own: this process's ingests (a test's, or a script's through the services) finished
 * before gc was called, so only other live processes hold leases.
 */
function othersLive(w: WriterId): boolean {
  const me = selfWriter();
  if (w.pid === me.pid && w.host === me.host && w.boot === me.boot) return false;
  return liveness(w) !== "dead";
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Blobs the default crafting state file has uploaded (stores from before migration 015 recorded nothing else). */
function craftingDigests(deps: ServiceDeps): Set<string> {
  const out = new Set<string>();
  try {
    if (!deps.state.exists()) return out;
    for (const m of Object.values(deps.state.read().materials)) if (m.uploaded) out.add(m.digest);
  } catch {
    // no or unreadable state: the store's leases are the protection
  }
  return out;
}
