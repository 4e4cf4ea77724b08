import { isCairnError } from "../../errors.ts";
import { ChainedBlobStore } from "../../store/cas/chained-blob-store.ts";
import type { BlobStore } from "../../store/ports.ts";

/** What `store fsck --remote [--deep]` finds wrong with a blob a CAS backend holds. */
export type RemoteProblem =
  | { kind: "remote-missing"; digest: string; backend: string; reason: string }
  | { kind: "remote-corrupt"; digest: string; backend: string; actual: string };

/** A CAS backend fsck can ask about one blob: OCI registries (a tag and a layer) and S3 buckets (an object). */
export interface RemoteBlobStore extends BlobStore {
  readonly label: string;
  /** The stored bytes themselves are there (for OCI: the layer, not only its tag). */
  hasBlob(digest: string): Promise<boolean>;
}

const isRemote = (s: BlobStore): s is RemoteBlobStore => typeof (s as Partial<RemoteBlobStore>).hasBlob === "function";

/** The remote CAS backends (OCI, S3) behind the store's BlobStore (none without backends: the disk CAS alone). */
export function remoteBackends(blobs: BlobStore): RemoteBlobStore[] {
  const members = blobs instanceof ChainedBlobStore ? blobs.members : [blobs];
  return members.filter(isRemote);
}

/**
 * A blob absent from the local CAS, checked in the backends: held where its evidence tag is (the tag keeps it from
 * registry GC); then the layer itself must be there (HEAD; a deleted blob leaves the tag dangling), and with `deep`
 * its bytes must hash to the digest (downloaded, streamed). Returns whether a backend holds it, and its problem.
 */
export async function checkRemote(backends: RemoteBlobStore[], digest: string, deep: boolean): Promise<{ held: boolean; problem?: RemoteProblem }> {
  for (const b of backends) {
    if (!(await b.has(digest))) continue;
    if (!(await b.hasBlob(digest))) return { held: true, problem: { kind: "remote-missing", digest, backend: b.label, reason: "its tag is there but the registry has no such blob" } };
    if (!deep) return { held: true };
    const actual = await servedDigest(b, digest).catch((e: unknown) => {
      if (isCairnError(e, "NOT_FOUND")) return undefined;
      throw e;
    });
    if (actual === undefined) return { held: true, problem: { kind: "remote-missing", digest, backend: b.label, reason: "the backend could not serve the blob" } };
    return actual === digest ? { held: true } : { held: true, problem: { kind: "remote-corrupt", digest, backend: b.label, actual } };
  }
  return { held: false };
}

/** The sha256 of what a backend serves for `digest` (openRead, streamed); NOT_FOUND when it is gone. */
async function servedDigest(b: BlobStore, digest: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const c of (await b.openRead(digest)).chunks) hasher.update(c);
  return `sha256:${hasher.digest("hex")}`;
}
