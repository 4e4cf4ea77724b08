import { CairnError, isCairnError } from "../errors.ts";
import type { BlobStore } from "./ports.ts";

/** `store fsck --remote --deep`: the only check that downloads and re-hashes what CAS backends (registries) hold. */
export const FSCK_REMOTE = "`cairn store fsck --remote --deep`";

/**
 * The command that will find a damaged blob of `blobs`: the plain disk CAS (it has file paths) is re-hashed by
 * `store fsck`; with CAS backends the blob may be a registry's copy, which only `--remote --deep` reads.
 */
export function fsckCommand(blobs: Pick<BlobStore, "pathFor">, opts: { deep: boolean } = { deep: true }): string {
  if (blobs.pathFor) return "`cairn store fsck`";
  return opts.deep ? FSCK_REMOTE : "`cairn store fsck --remote`"; // a missing blob: a HEAD is enough
}

/** Runs fn; an INTEGRITY error from it gets advice naming the fsck that finds the damage (see fsckCommand). */
export async function withFsckAdvice<T>(blobs: Pick<BlobStore, "pathFor">, prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!isCairnError(e, "INTEGRITY")) throw e;
    throw new CairnError("INTEGRITY", e.message, { hint: `${prefix}run ${fsckCommand(blobs)} to find every damaged blob`, details: e.details, cause: e });
  }
}
