import { existsSync } from "node:fs";
import { CairnError } from "../../errors.ts";
import { ChainedBlobStore } from "../../store/cas/chained-blob-store.ts";
import type { ServiceDeps } from "../deps.ts";

export interface BlobCopyReport {
  /** The CAS backend the blobs were copied to (the home's default). */
  backend: string;
  /** Blobs the store references that were copied from the home's disk CAS, and their bytes. */
  copied: number;
  bytes: number;
  /** Referenced blobs the backend already held. */
  already: number;
  /** Referenced blobs not in the home's disk CAS (held by another backend, or missing: `store fsck` tells). */
  notLocal: number;
}

type Deps = Pick<ServiceDeps, "blobs" | "orgs" | "casBackends" | "casMappings">;

/**
 * `store migrate --blobs`: every blob the store references that the home's disk CAS holds is copied to the home's
 * default CAS backend (the shared one replicas read), re-hashed on the way; what the backend already holds is
 * skipped, so a failed copy is run again as it is. The disk CAS is the chain's local member (it reads it second).
 */
export async function copyBlobsToDefault(deps: Deps): Promise<BlobCopyReport> {
  const target = (await deps.casBackends.list()).find((b) => b.isDefault);
  const chain = deps.blobs instanceof ChainedBlobStore ? deps.blobs : undefined;
  const writer = chain?.members[0];
  const local = chain?.members.find((m) => m.pathFor);
  if (!target || !writer || writer.pathFor || !local?.pathFor) {
    throw new CairnError("USAGE", "--blobs copies the home's blobs to its default CAS backend, and this home has none (its default is the local disk)", {
      hint: "add the shared backend to this home first (`cairn cas-backend add oci|s3 … --default`), then run store migrate again",
    });
  }
  const report: BlobCopyReport = { backend: `${target.name} (${target.location})`, copied: 0, bytes: 0, already: 0, notLocal: 0 };
  const seen = new Set<string>();
  for await (const ref of await deps.orgs.referencedBlobs()) {
    if (seen.has(ref.digest) || !ref.digest.startsWith("sha256:")) continue;
    seen.add(ref.digest);
    const path = local.pathFor(ref.digest);
    if (!existsSync(path)) {
      report.notLocal++;
      continue;
    }
    if (await writer.has(ref.digest)) {
      report.already++;
      continue;
    }
    const name = ref.orgId ? await deps.casMappings.nameFor(ref.orgId, ref.digest) : undefined;
    const stored = await writer.ingestFile(path, name ? { name } : {});
    if (stored.digest !== ref.digest) {
      throw new CairnError("INTEGRITY", `the home's copy of ${ref.digest} hashes to ${stored.digest}: not copied as that blob`, {
        hint: "run `cairn store fsck` on the home to find the damage, then store migrate again",
      });
    }
    report.copied++;
    report.bytes += stored.size;
  }
  return report;
}
