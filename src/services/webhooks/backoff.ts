/** Retry delays of webhook deliveries: exponential with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export interface Backoff {
  /** The ceiling of the first retry's delay; it doubles each failed attempt. */
  baseMs: number;
  /** The ceiling never grows past this. */
  capMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 1000, capMs: 10 * 60_000 };

/**
 * The delay before the next attempt after `failedAttempts` (≥ 1) have failed: uniform in [0, min(cap, base·2^(n−1))).
 * Full jitter spreads the retries of many deliveries that failed together (an endpoint back up after an outage).
 * `random` is in [0, 1), as Math.random.
 */
export function retryDelayMs(failedAttempts: number, random: () => number, b: Backoff = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(b.capMs, b.baseMs * 2 ** Math.min(Math.max(failedAttempts, 1) - 1, 40));
  return Math.floor(random() * ceiling);
}
