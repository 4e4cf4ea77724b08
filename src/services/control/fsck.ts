import type { TrustPolicy } from "../../trust/policy.ts";
import { isCairnError } from "../../errors.ts";
import type { BlobRefSource } from "../../store/org-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { blobPath, casRoot, fileExists, hashFile, tmpFiles, walkCas } from "./cas-scan.ts";

export interface FsckInput {
  /** When given, every stored bundle's signature must verify under it (keys, and the home's trusted roots). */
  trust?: TrustPolicy;
}

/** What makes fsck fail (exit 1). */
export type FsckProblem =
  | { kind: "corrupt"; digest: string; actual: string; path: string }
  | { kind: "unreadable"; digest: string; path: string; reason: string }
  | { kind: "missing"; digest: string; referencedBy: BlobRefSource[] }
  | { kind: "bad-signature"; digest: string; reason: string };

export interface FsckCounts {
  blobs: number;
  bytes: number;
  attestations: number;
  signaturesVerified: number;
  corrupt: number;
  unreadable: number;
  missing: number;
  badSignature: number;
  orphans: number;
  tmpLeftovers: number;
  stray: number;
}

export interface FsckReport {
  ok: boolean;
  counts: FsckCounts;
  problems: FsckProblem[];
  /** Informational: stored but unreferenced (an in-progress run's materials, or what `store gc` would collect). */
  orphans: { digest: string; size: number }[];
  /** Informational: files in cas/tmp older than an hour (interrupted writes; `store gc` removes them). */
  tmpLeftovers: { path: string; size: number; modifiedAt: string }[];
  /** Informational: files in the blob tree at no blob's address (never touched by gc). */
  stray: string[];
}

const TMP_AGE_MS = 3_600_000;

/**
 * `store fsck`: re-hashes every blob in the local CAS (streamed), finds referenced blobs that are missing, and checks
 * every attestation's bundle: present and matching its digest (the walk re-hashed it), and signature verified under `trust` when given.
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
      actual = await hashFile(path);
    } catch (e) {
      problems.push({ kind: "unreadable", digest, path, reason: (e as Error).message });
      damaged.add(digest);
      continue;
    }
    if (actual !== digest) {
      problems.push({ kind: "corrupt", digest, actual, path });
      damaged.add(digest);
    }
    if (!deps.orgs.isBlobReferenced(digest)) report.orphans.push({ digest, size });
  }

  const missing = new Map<string, Set<BlobRefSource>>();
  const trust = input.trust;
  // The sigstore libraries cost start-up time: loaded only when there is a signature to check.
  const verify = trust ? (await import("../../trust/verifier.ts")).verifyBundle : undefined;
  for (const { digest, source } of deps.orgs.referencedBlobs()) {
    if (source === "attestation") report.counts.attestations++;
    const path = blobPath(root, digest);
    if (missing.has(digest) || !path || !((await fileExists(path)) || (await inCasBackend(deps, digest)))) {
      if (!missing.has(digest)) missing.set(digest, new Set());
      missing.get(digest)!.add(source);
      continue;
    }
    if (source !== "attestation" || !verify || damaged.has(digest)) continue;
    try {
      verify(await deps.blobs.read(digest), trust!);
      report.counts.signaturesVerified++;
    } catch (e) {
      if (!isCairnError(e)) throw e;
      problems.push(e.code === "VERIFY_FAILED" ? { kind: "bad-signature", digest, reason: e.message } : { kind: "unreadable", digest, path, reason: e.message });
    }
  }
  for (const [digest, sources] of missing) problems.push({ kind: "missing", digest, referencedBy: [...sources].sort() });

  const now = Date.now(); // file times are the OS clock's, so ages are measured against it, not the injected clock
  for (const t of await tmpFiles(root)) {
    if (now - t.mtimeMs > TMP_AGE_MS) report.tmpLeftovers.push({ path: t.path, size: t.size, modifiedAt: new Date(t.mtimeMs).toISOString() });
  }
  return finish(report);
}

/**
 * The disk walk covers the local CAS only; a referenced blob absent there is not missing when a CAS backend (OCI
 * registry) holds it (a HEAD per such blob, and only when backends are configured). Registry blobs are not re-hashed
 * here: every read of them is digest-checked instead.
 */
async function inCasBackend(deps: ServiceDeps, digest: string): Promise<boolean> {
  return deps.casBackends.list().length > 0 && (await deps.blobs.has(digest));
}

function finish(report: FsckReport): FsckReport {
  const c = report.counts;
  for (const p of report.problems) {
    if (p.kind === "bad-signature") c.badSignature++;
    else c[p.kind]++;
  }
  c.orphans = report.orphans.length;
  c.tmpLeftovers = report.tmpLeftovers.length;
  c.stray = report.stray.length;
  report.ok = report.problems.length === 0;
  return report;
}

function emptyCounts(): FsckCounts {
  return { blobs: 0, bytes: 0, attestations: 0, signaturesVerified: 0, corrupt: 0, unreadable: 0, missing: 0, badSignature: 0, orphans: 0, tmpLeftovers: 0, stray: 0 };
}
