import type { KeyObject } from "node:crypto";
import type { RemoteBlobStore } from "./fsck-remote.ts";
import type { BlobRefSource } from "../../store/org-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { hashFile } from "../../store/cas/digest.ts";
import { blobPath, casRoot, fileExists, walkCas } from "./cas-scan.ts";
import { tmpLeftovers } from "./fsck-leftovers.ts";
import { checkRemote, remoteBackends, type RemoteProblem } from "./fsck-remote.ts";
import { bundleChecker } from "./fsck-signatures.ts";
import { checkStoreRuns, type RunCheckProblem } from "./fsck-runs.ts";

export interface FsckInput {
  /** Extra public keys (`--key`), tried besides the organization's registered keys and the home's trusted roots. */
  keys?: KeyObject[];
  /** Blobs held by OCI CAS backends: the layer itself must be there (HEAD), not only its tag. */
  remote?: boolean;
  /** With remote: every such blob is downloaded and re-hashed. */
  deep?: boolean;
}

/** What makes fsck fail (exit 1). */
export type FsckProblem =
  | { kind: "corrupt"; digest: string; actual: string; path: string }
  | { kind: "unreadable"; digest: string; path: string; reason: string }
  | { kind: "missing"; digest: string; referencedBy: BlobRefSource[] }
  | { kind: "bad-signature"; digest: string; runId?: string; reason: string }
  | RemoteProblem
  | RunCheckProblem;

export interface FsckCounts {
  blobs: number;
  bytes: number;
  attestations: number;
  signaturesVerified: number;
  corrupt: number;
  unreadable: number;
  missing: number;
  badSignature: number;
  /** Blobs checked in a CAS backend (`--remote`). */
  remoteChecked: number;
  remoteMissing: number;
  remoteCorrupt: number;
  orphans: number;
  tmpLeftovers: number;
  stray: number;
  /** The database checks (fsck-runs.ts): attested runs compared with their statements, and what they found. */
  runsChecked: number;
  dbIntegrity: number;
  runMismatch: number;
  contractMismatch: number;
  /** Informational: runs whose statement predates contractDigest (their contract body is not bound). */
  contractUnbound: number;
}

export interface FsckReport {
  ok: boolean;
  counts: FsckCounts;
  problems: FsckProblem[];
  /** Informational: stored but unreferenced (an in-progress run's materials, or what `store gc` would collect). */
  orphans: { digest: string; size: number }[];
  /** Informational: what interrupted writers left in cas/tmp (fsck-leftovers.ts; `store gc` removes them). */
  tmpLeftovers: { path: string; size: number; modifiedAt: string }[];
  /** Informational: files in the blob tree at no blob's address (never touched by gc). */
  stray: string[];
}

/**
 * `store fsck`: re-hashes every blob in the local CAS (streamed), finds referenced blobs that are missing, and checks
 * every attestation's bundle: present and matching its digest (the walk re-hashed it), and its signature verified
 * under its organization's registered keys, `keys` and the home's trusted roots. `remote`/`deep` check what CAS
 * backends hold (see checkRemote).
 */
export async function fsckStore(deps: ServiceDeps, input: FsckInput = {}): Promise<FsckReport> {
  const root = casRoot(deps.config.home);
  const problems: FsckProblem[] = [];
  const report: FsckReport = { ok: true, counts: emptyCounts(), problems, orphans: [], tmpLeftovers: [], stray: [] };
  const damaged = new Set<string>();

  for await (const entry of walkCas(root)) {
    if ("stray" in entry) {
      report.stray.push(entry.stray);
      continue;
    }
    const { digest, path, size } = entry.blob;
    report.counts.blobs++;
    report.counts.bytes += size;
    let actual: string;
    try {
      actual = (await hashFile(path)).digest;
    } catch (e) {
      problems.push({ kind: "unreadable", digest, path, reason: (e as Error).message });
      damaged.add(digest);
      continue;
    }
    if (actual !== digest) {
      problems.push({ kind: "corrupt", digest, actual, path });
      damaged.add(digest);
    }
    if (!await deps.orgs.isBlobReferenced(digest)) report.orphans.push({ digest, size });
  }

  const missing = new Map<string, Set<BlobRefSource>>();
  const check = bundleChecker(deps, input.keys ?? []);
  const backends = input.remote ? remoteBackends(deps.blobs) : undefined;
  const held = new Map<string, boolean>();
  for await (const { digest, source, runId, orgId } of await deps.orgs.referencedBlobs()) {
    if (source === "attestation") report.counts.attestations++;
    const path = blobPath(root, digest);
    if (path && !held.has(digest) && !missing.has(digest) && !(await fileExists(path))) {
      held.set(digest, await elsewhere(deps, backends, digest, input.deep ?? false, report, damaged));
    }
    if (missing.has(digest) || !path || held.get(digest) === false) {
      if (!missing.has(digest)) missing.set(digest, new Set());
      missing.get(digest)!.add(source);
      continue;
    }
    if (source !== "attestation" || damaged.has(digest)) continue;
    const r = await check(digest, orgId);
    if (r.ok) report.counts.signaturesVerified++;
    else if (r.signature) problems.push({ kind: "bad-signature", digest, ...(runId && { runId }), reason: r.reason });
    else problems.push({ kind: "unreadable", digest, path, reason: r.reason });
  }
  for (const [digest, sources] of missing) problems.push({ kind: "missing", digest, referencedBy: [...sources].sort() });
  const runs = await checkStoreRuns(deps, new Set([...damaged, ...missing.keys()]));
  problems.push(...runs.problems);
  Object.assign(report.counts, { runsChecked: runs.runsChecked, contractUnbound: runs.contractUnbound });

  report.tmpLeftovers = await tmpLeftovers(root);
  return finish(report);
}

/**
 * The disk walk covers the local CAS only; a referenced blob absent there is not missing when a CAS backend (OCI
 * registry) holds it: by default its tag is asked for (a HEAD per such blob, only when backends are configured), and
 * every read of it is digest-checked; with `--remote` the backends' copies are checked (checkRemote).
 */
async function elsewhere(deps: ServiceDeps, backends: RemoteBlobStore[] | undefined, digest: string, deep: boolean, report: FsckReport, damaged: Set<string>): Promise<boolean> {
  if (!backends) return (await deps.casBackends.list()).length > 0 && (await deps.blobs.has(digest));
  const r = await checkRemote(backends, digest, deep);
  if (r.held) report.counts.remoteChecked++;
  if (r.problem) {
    report.problems.push(r.problem);
    damaged.add(digest);
  }
  return r.held;
}

function finish(report: FsckReport): FsckReport {
  const c = report.counts;
  for (const p of report.problems) c[COUNT_OF[p.kind]]++;
  c.orphans = report.orphans.length;
  c.tmpLeftovers = report.tmpLeftovers.length;
  c.stray = report.stray.length;
  report.ok = report.problems.length === 0;
  return report;
}

const COUNT_OF = {
  corrupt: "corrupt",
  unreadable: "unreadable",
  missing: "missing",
  "bad-signature": "badSignature",
  "remote-missing": "remoteMissing",
  "remote-corrupt": "remoteCorrupt",
  "db-integrity": "dbIntegrity",
  "run-mismatch": "runMismatch",
  "contract-mismatch": "contractMismatch",
} as const satisfies Record<FsckProblem["kind"], keyof FsckCounts>;

function emptyCounts(): FsckCounts {
  return {
    blobs: 0, bytes: 0, attestations: 0, signaturesVerified: 0, corrupt: 0, unreadable: 0, missing: 0, badSignature: 0,
    remoteChecked: 0, remoteMissing: 0, remoteCorrupt: 0, orphans: 0, tmpLeftovers: 0, stray: 0,
    runsChecked: 0, dbIntegrity: 0, runMismatch: 0, contractMismatch: 0, contractUnbound: 0,
  };
}
