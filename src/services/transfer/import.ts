// `cairn import`: reads an export tar into a staging directory beside the CAS, verifies all of it (tar-reader.ts,
// import-verify.ts), and only then stores: the blobs into the CAS, then every row in one SQLite transaction.
// Blobs go in first so that a crash in between leaves unreferenced blobs (collected by `store gc`), never rows that
// point at missing blobs. Importing the same file again stores nothing new.
import type { KeyObject } from "node:crypto";
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CairnError } from "../../errors.ts";
import { casRoot } from "../control/cas-scan.ts";
import { STAGING_PREFIX, sweepTmp } from "../../store/cas/leftovers.ts";
import { writerName } from "../../store/cas/writer.ts";
import { verificationKeys } from "../control/org-keys.ts";
import type { ServiceDeps } from "../deps.ts";
import { recordReceived } from "./log-proofs.ts";
import { homeRoots } from "../trust-roots.ts";
import type { TrustPolicy } from "../../trust/policy.ts";
import { readExportTar, removeStaging } from "./tar-reader.ts";
import { verifyImport, type VerifiedImport } from "./import-verify.ts";
import { storeVerified } from "./import-store.ts";
import { describeSigner } from "../../trust/signer.ts";

export interface ImportInput {
  /** The export tar (relative to the working directory). */
  file: string;
  /** The --trusted-key public keys (loaded by the command like every --key); none: the organization's registered keys. */
  trustedKeys: KeyObject[];
  /** Accept an export whose manifest is not signed (`--allow-unsigned`); by default such a file is refused. */
  allowUnsigned?: boolean;
}

export interface ImportResult {
  file: string;
  organization: string;
  runs: { imported: number; alreadyPresent: number };
  contractRevisions: { imported: number; alreadyPresent: number };
  blobs: { imported: number; alreadyPresent: number };
  /** Where the signature trust came from. */
  trustedKeys: "given" | "organization";
  /** The transparency-log checkpoint the export carried, verified with its proofs and recorded. */
  log?: { origin: string; size: number };
  /** Who signed manifest.json (describeSigner), or null for an unsigned export imported with allowUnsigned. */
  manifestSigner: string | null;
  /** Runs whose attestation predates contractDigest: their contract revision is not bound to a signature. */
  contractUnbound: number;
}

/** cas/tmp entries whose writer cannot be told (older cairn, another host) are leftovers after this. */
const STALE_STAGING_MS = 24 * 3_600_000;

export async function importEvidence(deps: ServiceDeps, input: ImportInput): Promise<ImportResult> {
  const file = resolve(deps.config.cwd, input.file);
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) throw new CairnError("NOT_FOUND", `${input.file}: no such file`, { hint: "pass the tar written by `cairn export -o FILE.tar`" });
  const trust = await trustFor(deps, input.trustedKeys);
  const tmp = join(casRoot(deps.config.home), "tmp");
  await sweepTmp(casRoot(deps.config.home), { unknownAfterMs: STALE_STAGING_MS }); // what killed imports and adds left
  const staging = join(tmp, writerName(STAGING_PREFIX)); // names this process: once it is dead, anyone may remove it
  try {
    const verified = await verifyImport(deps, await readExportTar(file, staging), trust, { allowUnsigned: input.allowUnsigned });
    const blobs = await moveBlobs(deps, verified);
    const stored = await storeVerified(deps, verified);
    const cp = verified.logCheckpoint;
    if (cp) recordReceived(deps.config.home, cp, deps.clock.now());
    return {
      ...(cp && { log: { origin: cp.origin, size: cp.size } }),
      file: input.file,
      organization: deps.config.organization,
      runs: stored.runs,
      contractRevisions: stored.contractRevisions,
      blobs,
      trustedKeys: input.trustedKeys.length > 0 ? "given" : "organization",
      manifestSigner: verified.manifestSigner ? describeSigner(verified.manifestSigner) : null,
      contractUnbound: verified.contractUnbound,
    };
  } finally {
    await removeStaging(staging);
  }
}

/**
 * The --trusted-key keys, else the organization's live keys; and the home's trusted roots (its CA and added roots,
 * not the public-good root) for certificate-signed attestations. With none of them nothing could be verified.
 */
async function trustFor(deps: ServiceDeps, given: KeyObject[]): Promise<TrustPolicy> {
  const keys = given.length > 0 ? given : (await verificationKeys(deps)).map((k) => k.key);
  const roots = homeRoots(deps.config.home, { publicGood: false });
  if (keys.length === 0 && roots.length === 0) {
    throw new CairnError("USAGE", `no key to verify the imported attestations with: organization ${deps.config.organization} has no registered key, no --trusted-key was given and the home trusts no CA`, {
      hint: "pass the signer's public key with --trusted-key cosign.pub, register it with `cairn org key add`, or trust the exporting server's CA with `cairn trust-root add`",
    });
  }
  return { keys, roots };
}

/**
 * Staged blobs were hashed while staged (beside the local CAS): the disk CAS adopts them with an fsync and a rename.
 * Other backends (a registry) take them through their own ingest, which hashes again as it uploads. One at a time:
 * parallel ingests measured barely faster (journal commits serialize) at a higher peak RSS.
 */
async function moveBlobs(deps: ServiceDeps, v: VerifiedImport): Promise<{ imported: number; alreadyPresent: number }> {
  let imported = 0;
  let alreadyPresent = 0;
  for (const [digest, staged] of [...v.blobs].sort()) {
    if (await deps.blobs.has(digest)) {
      alreadyPresent++;
      continue;
    }
    const ref = deps.blobs.adoptFile ? await deps.blobs.adoptFile(staged, digest) : await deps.blobs.ingestFile(staged);
    if (ref.digest !== digest) {
      throw new CairnError("INTEGRITY", `blobs/sha256/${digest.slice(7)}: the staged copy changed on disk (now ${ref.digest}); nothing was imported`, {
        hint: "check the disk holding the cairn home, then import again",
      });
    }
    imported++;
  }
  return { imported, alreadyPresent };
}

