import type { WriterId } from "./cas/writer.ts";

/**
 * Taken by the disk CAS between hashing a blob and linking it in: from then until the writing process dies (or
 * the lease's TTL passes, for a long-lived `cairn serve`) gc leaves the blob alone.
 */
export interface IngestGuard {
  hold(digest: string): Promise<void>;
}

/** A crafting step's record of what its run stored: gc leaves it alone while the run is open. */
export interface CraftingRefs {
  referFromRun(runId: string, digest: string, now: string): Promise<void>;
}

/**
 * The store's CAS leases (migration 015): what keeps `store gc` from removing blobs that nothing references yet,
 * recorded in the store, so it holds whichever state file a crafting job uses.
 */
export interface CasLeaseRepo extends IngestGuard, CraftingRefs {
  /**
   * Runs fn holding the store's write lock: no lease can be taken meanwhile, so what fn checked stays true until
   * it returns (gc checks and unlinks a blob inside it; an ingest takes its lease before it looks for the blob).
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Whether an open run (state initialized) references digest, or an ingest lease newer than `since` whose owner `alive` accepts. */
  isLeased(digest: string, since: string, alive: (owner: WriterId) => boolean): Promise<boolean>;
  /** Drops ingest leases older than `since` or whose owner `dead` proves gone, and references of closed or unknown runs; how many of each. */
  prune(since: string, dead: (owner: WriterId) => boolean): Promise<{ ingests: number; refs: number }>;
}
