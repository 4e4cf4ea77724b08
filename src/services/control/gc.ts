import { lstat, rm } from "node:fs/promises";
import { basename } from "node:path";
import { parseDuration } from "../../config.ts";
import type { ServiceDeps } from "../deps.ts";
import { casRoot, tmpFiles, walkCas } from "./cas-scan.ts";

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
  /** Why the rest stayed: referenced by the store, younger than the grace period, or in the local crafting state. */
  kept: { referenced: number; recent: number; crafting: number };
}

export const DEFAULT_GRACE = "24h";

/**
 * `store gc`: removes CAS blobs that nothing references (attestations, downloadable referrers, uploads) and that are
 * older than the grace period, plus cas/tmp leftovers older than it. A crafting run's materials are unreferenced
 * until push: the grace period protects them, and so does the local crafting state when there is one. Each blob is
 * re-checked just before removal, so a push that lands during gc keeps its blobs.
 */
export async function gcStore(deps: ServiceDeps, input: GcInput = {}): Promise<GcReport> {
  const graceMs = parseDuration(input.grace ?? DEFAULT_GRACE, "--grace");
  const dryRun = input.dryRun ?? false;
  const root = casRoot(deps.config.home);
  const crafting = craftingDigests(deps);
  const report: GcReport = { dryRun, graceMs, removed: [], tmpRemoved: [], bytesFreed: 0, scanned: 0, kept: { referenced: 0, recent: 0, crafting: 0 } };
  // File times are the OS clock's, so ages are measured against it, not the injected clock (which CAIRN_FIXED_TIME
  // may pin anywhere: a pinned future would make every blob look old).
  const cutoff = Date.now() - graceMs;

  for await (const entry of walkCas(root)) {
    if ("stray" in entry) continue; // not ours to delete
    const { digest, path, size, mtimeMs } = entry.blob;
    report.scanned++;
    if (mtimeMs > cutoff) report.kept.recent++;
    else if (crafting.has(digest)) report.kept.crafting++;
    else if (deps.orgs.isBlobReferenced(digest)) report.kept.referenced++;
    else if (await stillCollectable(deps, path, digest, cutoff)) {
      if (!dryRun) await rm(path, { force: true });
      report.removed.push({ digest, size });
      report.bytesFreed += size;
    } else {
      report.kept.recent++;
    }
  }
  for (const t of await tmpFiles(root)) {
    if (t.mtimeMs > cutoff) continue;
    if (!dryRun) await rm(t.path, { force: true });
    report.tmpRemoved.push({ name: basename(t.path), size: t.size });
    report.bytesFreed += t.size;
  }
  return report;
}

/** The last look before unlinking: still unreferenced and still old (a re-ingest of the same bytes may touch it). */
async function stillCollectable(deps: ServiceDeps, path: string, digest: string, cutoff: number): Promise<boolean> {
  const st = await lstat(path).catch(() => undefined);
  return st !== undefined && st.mtimeMs <= cutoff && !deps.orgs.isBlobReferenced(digest);
}

/** Blobs the local crafting state has uploaded but not yet pushed; an unreadable state protects nothing extra. */
function craftingDigests(deps: ServiceDeps): Set<string> {
  const out = new Set<string>();
  try {
    if (!deps.state.exists()) return out;
    for (const m of Object.values(deps.state.read().materials)) if (m.uploaded) out.add(m.digest);
  } catch {
    // no or unreadable state: the grace period is the protection
  }
  return out;
}
