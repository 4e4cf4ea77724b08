import type { ServiceDeps } from "../deps.ts";

/**
 * Marks every initialized run older than the run TTL (CAIRN_RUN_TTL, default 1h) as expired, with finished_at = now.
 * One UPDATE over a partial index, so callers (run list/describe, push) run it every time instead of on a timer.
 * The remote crafting states of runs that expired go with them (they can never be pushed). Returns how many runs
 * expired.
 */
export async function expireStaleRuns(deps: ServiceDeps): Promise<number> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - deps.config.runTtlMs).toISOString();
  const expired = await deps.runs.expireStale(cutoff, now.toISOString(), `expired after ${formatDuration(deps.config.runTtlMs)}`);
  if (expired > 0) await deps.states.deleteClosed();
  return expired;
}

const UNITS: [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
];

/** 3600000 → "1h", 5400000 → "90m": the largest unit that divides evenly, as CAIRN_RUN_TTL is written. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of UNITS) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
