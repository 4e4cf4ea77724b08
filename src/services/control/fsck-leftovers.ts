import { sweepTmp } from "../../store/cas/leftovers.ts";

/** A cas/tmp entry whose writer cannot be told (another host's, an older cairn's) is a leftover after this. */
const UNKNOWN_WRITER_MS = 3_600_000;

/**
 * What interrupted writers left in cas/tmp (partial blobs, import staging directories): at once when the writer is
 * provably dead, after an hour when it cannot be told; never a live writer's. `store gc` removes them.
 */
export async function tmpLeftovers(casRoot: string): Promise<{ path: string; size: number; modifiedAt: string }[]> {
  return (await sweepTmp(casRoot, { unknownAfterMs: UNKNOWN_WRITER_MS, dryRun: true })).map((e) => ({ path: e.path, size: e.size, modifiedAt: new Date(e.mtimeMs).toISOString() }));
}
