import type { ServiceDeps } from "../deps.ts";

/**
 * Marks every initialized run older than the run TTL (CAIRN_RUN_TTL, default 1h) as expired, with finished_at = now.
 * One UPDATE over a partial index. `cairn serve` runs it as a periodic job (expiry-job.ts); the remote crafting states
 * of runs that expired go with them (they can never be pushed). Returns how many runs expired.
 */
export async function expireStaleRuns(deps: ServiceDeps): Promise<number> {
  const now = deps.clock.now();
  const expired = await deps.runs.expireStale(ttlCutoff(deps, now), now.toISOString(), `expired after ${formatDuration(deps.config.runTtlMs)}`);
  if (expired > 0) await deps.states.deleteClosed();
  return expired;
}

/**
 * Before a read or push shows or decides on run states: a run past the TTL that the job has not expired yet (it runs
 * every 30 s in `cairn serve`; never for local commands) is expired now, so no reader sees it open. A read over the
 * partial index first: the UPDATE, and its write lock, only when there is one.
 */
export async function expireOverdueRuns(deps: ServiceDeps): Promise<number> {
  if (!(await deps.runs.hasStale(ttlCutoff(deps, deps.clock.now())))) return 0;
  return expireStaleRuns(deps);
}

/** Runs created before this are past the TTL. */
export const ttlCutoff = (deps: ServiceDeps, now: Date): string => new Date(now.getTime() - deps.config.runTtlMs).toISOString();

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
