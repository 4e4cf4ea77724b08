import type { ServiceDeps } from "../deps.ts";
import { expireStaleRuns, ttlCutoff } from "./expiry.ts";

/** Between two runs of the job (and its first run is at start). */
export const RUN_EXPIRY_INTERVAL_MS = 30_000;

/**
 * `cairn serve`'s run expiry: every interval, the runs past the TTL are expired in one transaction that first takes a
 * try-lock, so of several replicas on one database one does the work and the others skip that round. Readers that
 * come between two rounds expire an overdue run themselves (expireOverdueRuns), so nobody sees it open.
 */
export class RunExpiryJob {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly app: ServiceDeps,
    private readonly o: { intervalMs?: number; log?: (line: string) => void } = {},
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: how many runs it expired, or "skipped" when another process holds the job's lock. A read when none is due. */
  async runOnce(): Promise<number | "skipped"> {
    if (!(await this.app.runs.hasStale(ttlCutoff(this.app, this.app.clock.now())))) return 0;
    return this.app.repo.transaction(async () => ((await this.app.repo.tryLockName("job", "run-expiry")) ? expireStaleRuns(this.app) : "skipped"));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((e) => this.o.log?.(`ERROR run expiry job: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => this.schedule(this.o.intervalMs ?? RUN_EXPIRY_INTERVAL_MS));
    }, ms);
  }
}
