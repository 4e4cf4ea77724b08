import { CairnError } from "../errors.ts";
import { STATE_VERSION, type CraftingState } from "../crafter/state/types.ts";
import type { VersionedStateStore } from "./state-port.ts";

/** Shared by the versioned state stores (SQLite row, HTTP): decoding, and update as optimistic read-modify-write. */

/** Parses a stored crafting state; `where` names it in messages (the local file has its own, older wording). */
export function decodeState(text: string, where: string): CraftingState {
  let state: CraftingState;
  try {
    state = JSON.parse(text) as CraftingState;
  } catch {
    throw new CairnError("STATE_INVALID", `the crafting state of ${where} is not valid JSON`, { hint: "reset it and start over with `cairn attestation init`" });
  }
  if (typeof state !== "object" || state === null || state.version !== STATE_VERSION) {
    throw new CairnError("STATE_INVALID", `the crafting state of ${where} has version ${String(state?.version)}, expected ${STATE_VERSION}`, {
      hint: "it was written by another cairn version; reset it and start over with `cairn attestation init`",
    });
  }
  return state;
}

export interface RetryPolicy {
  attempts: number;
  /** The first back-off; doubled per attempt, with full jitter, capped at 1s. */
  baseDelayMs: number;
}

/** Enough for a few dozen jobs adding to one attestation at once; each attempt re-reads the winner's state. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 30, baseDelayMs: 10 };

/**
 * read → fn → compare-and-swap; when another writer got in between, re-read and run fn again on its state, so both
 * changes land. fn must therefore be safe to repeat (add's uploads are content-addressed). Gives up with
 * STATE_INVALID after `attempts` conflicts.
 */
export async function optimisticUpdate<T>(
  store: VersionedStateStore,
  fn: (s: CraftingState) => Promise<{ state: CraftingState; result: T }>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.readVersioned();
    const { state, result } = await fn(current.state);
    if ((await store.writeIf(state, current.version)) !== undefined) return result;
    if (attempt >= policy.attempts) {
      throw new CairnError("STATE_INVALID", `the crafting state of ${store.path} kept changing: ${attempt} attempts to update it lost to other writers`, {
        hint: "too many jobs are changing this attestation at once; run the command again",
        details: { attempts: attempt },
      });
    }
    await Bun.sleep(Math.random() * Math.min(1000, policy.baseDelayMs * 2 ** (attempt - 1)));
  }
}
