import type { CraftingState } from "../crafter/state/types.ts";

/** Storage ports of the crafting state: what `attestation init` starts and `add`/`push`/`reset` read and change. */

export type Awaitable<T> = T | Promise<T>;

/**
 * One attestation's crafting state, wherever it lives: the local file (StateFile), a row of the server's store
 * (SqliteStateStore) or that row over HTTP (HttpStateStore, `--attestation-id`). Callers always `await`; the local
 * file answers synchronously.
 */
export interface CraftingStateStore {
  /** Where the state lives (a file path or a URL), for messages. */
  readonly path: string;
  exists(): Awaitable<boolean>;
  /** STATE_MISSING when there is none, STATE_INVALID when it cannot be read. */
  read(): Awaitable<CraftingState>;
  write(state: CraftingState): Awaitable<void>;
  /** Idempotent. */
  remove(): Awaitable<void>;
  /**
   * After a push: the state is replaced by what answers a repeated push (the local file keeps it; others leave
   * it out and the push just removes the state). Writing a new state drops it.
   */
  retire?(receipt: PushReceipt): Awaitable<void>;
  /** The receipt of the last push from this state, when there is no state. */
  pushed?(): Awaitable<PushReceipt | undefined>;
  /** Read-modify-write that never loses a concurrent writer's change; on any error the state is left as it was. */
  update<T>(fn: (s: CraftingState) => Promise<{ state: CraftingState; result: T }>): Promise<T>;
}

/** What a push leaves where its state was: enough to answer a repeat with the stored attestation. */
export interface PushReceipt {
  runId: string;
  digest: string;
  pushedAt: string;
  storedAt?: string;
}

export interface VersionedState {
  state: CraftingState;
  /** Bumped by every write; the compare-and-swap token (HTTP: the ETag). */
  version: number;
}

/** A state store with optimistic concurrency: `update` is read → fn → compare-and-swap, retried on a conflict. */
export interface VersionedStateStore extends CraftingStateStore {
  readVersioned(): Promise<VersionedState>;
  /** Writes only if the stored version is still `version`; the new version, or undefined when someone else wrote. */
  writeIf(state: CraftingState, version: number): Promise<number | undefined>;
}

/** A remote crafting state row (`cairn serve`): id = the attestation id = the run id. */
export interface StoredStateRow {
  id: string;
  orgId: string;
  runId: string;
  /** The CraftingState as JSON text. */
  state: string;
  version: number;
  updatedAt: string;
}

/** The server's table of remote crafting states (migration 007). */
export interface AttestationStateRepo {
  /** Version 1; ALREADY_EXISTS is impossible in practice (ids are fresh run ids), a duplicate throws. */
  insert(row: Omit<StoredStateRow, "version" | "updatedAt">, now: string): Promise<void>;
  get(orgId: string, id: string): Promise<StoredStateRow | undefined>;
  /** Compare-and-swap on version: the new version, or undefined when the row changed or is gone. */
  swap(orgId: string, id: string, expected: number, state: string, now: string): Promise<number | undefined>;
  /** Whether a row was deleted. */
  delete(orgId: string, id: string): Promise<boolean>;
  /** Drops the states of runs that are no longer open (expired, cancelled); returns how many. */
  deleteClosed(): Promise<number>;
}
