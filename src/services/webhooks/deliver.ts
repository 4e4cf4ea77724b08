import type { Env } from "../../config.ts";
import type { DeliveryRecord, WebhookRecord, WebhookRepo } from "../../store/webhook-port.ts";
import type { Clock } from "../deps.ts";
import { DEFAULT_BACKOFF, retryDelayMs, type Backoff } from "./backoff.ts";
import { sendDelivery, type Attempt } from "./send.ts";

export const DEFAULT_ATTEMPTS = 8;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** While deliveries are due but all their webhooks are busy, the queue is looked at this often (completions wake it sooner). */
const BUSY_POLL_MS = 250;
/** With nothing due, the queue is still looked at this often: events enqueued by another process on the same home. */
const IDLE_POLL_MS = 5000;

export interface WorkerOptions {
  repo: WebhookRepo;
  /** The server's public URL, no trailing slash: bodies' `"path"` becomes `"link"`. */
  publicUrl: string;
  version: string;
  /** Where webhooks' secret variables are read, at each attempt. */
  env: Env;
  /** Attempts before a delivery is marked failed (`--webhook-attempts`). */
  attempts?: number;
  /** Per attempt, the answer's head and up to 4 KiB of its body included (`--webhook-timeout`). */
  timeoutMs?: number;
  backoff?: Backoff;
  /** Most deliveries in flight at once (never two of one webhook). */
  concurrency?: number;
  clock?: Clock;
  /** In [0, 1): the jitter of the retry delays. */
  random?: () => number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  log?: (line: string) => void;
}

/**
 * Delivers the webhook outbox (docs/webhooks.md): the head of each webhook's queue, one in flight per webhook and many
 * webhooks at once, so one slow endpoint delays only its own deliveries, and never a request of the server (nothing on a
 * request path awaits a delivery). At least once: a delivery is marked only after its HTTP answer; one cut off by a stop
 * or a crash is sent again, with the same id, after restart.
 */
export class DeliveryWorker {
  private readonly o: Required<Omit<WorkerOptions, "log">> & { log: (line: string) => void };
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly abortSends = new AbortController();
  private wakeCtl = new AbortController();
  private stopping = false;
  private loopDone: Promise<void> | undefined;

  constructor(opts: WorkerOptions) {
    this.o = {
      attempts: DEFAULT_ATTEMPTS,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      backoff: DEFAULT_BACKOFF,
      concurrency: 16,
      clock: { now: () => new Date() },
      random: Math.random,
      sleep: abortableSleep,
      log: () => {},
      ...opts,
    };
  }

  /** Starts the loop (once). */
  start(): void {
    this.loopDone ??= this.loop();
  }

  /** Looks at the queue now: call after anything that may have enqueued deliveries. Cheap, never waits. */
  wake(): void {
    this.wakeCtl.abort();
  }

  /**
   * Starts an attempt for every due delivery whose webhook has none in flight, up to the concurrency; returns them
   * (the loop does not wait for them; tests with a fake clock do).
   */
  async dispatch(): Promise<Promise<void>[]> {
    const slots = this.o.concurrency - this.inflight.size;
    if (this.stopping || slots <= 0) return [];
    const due = await this.o.repo.due(this.o.clock.now().toISOString(), slots + this.inflight.size);
    const started: Promise<void>[] = [];
    for (const { delivery, webhook } of due.filter((x) => !this.inflight.has(x.webhook.id)).slice(0, slots)) {
      const p = this.attempt(delivery, webhook).finally(() => {
        this.inflight.delete(webhook.id);
        this.wake();
      });
      this.inflight.set(webhook.id, p);
      started.push(p);
    }
    return started;
  }

  /** Stops the loop; attempts in flight may finish for `graceMs`, then are cut off unmarked (sent again after restart). */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loopDone;
    const pending = Promise.allSettled([...this.inflight.values()]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([pending, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.abortSends.abort();
    await pending;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const ctl = (this.wakeCtl = new AbortController());
      let wait = IDLE_POLL_MS;
      try {
        await this.dispatch();
        wait = await this.waitMs();
      } catch (e) {
        this.o.log(`ERROR webhooks: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!this.stopping) await this.o.sleep(wait, ctl.signal);
    }
  }

  /** Until the earliest next attempt, bounded by the polls. */
  private async waitMs(): Promise<number> {
    const next = await this.o.repo.nextDue();
    if (next === undefined) return IDLE_POLL_MS;
    const delta = Date.parse(next) - this.o.clock.now().getTime();
    return delta <= 0 ? BUSY_POLL_MS : Math.min(delta, IDLE_POLL_MS);
  }

  private async attempt(d: DeliveryRecord, w: WebhookRecord): Promise<void> {
    const { publicUrl, version, env, timeoutMs } = this.o;
    const result = await sendDelivery(d, w, { publicUrl, version, env, timeoutMs, now: this.o.clock.now(), stop: this.abortSends.signal });
    try {
      await this.mark(d, w, result);
    } catch (e) {
      this.o.log(`ERROR webhook ${w.name}: delivery ${d.id} answered but not recorded (${e instanceof Error ? e.message : String(e)}); it will be sent again`);
    }
  }

  private async mark(d: DeliveryRecord, w: WebhookRecord, a: Attempt): Promise<void> {
    const now = this.o.clock.now();
    const attempts = d.attempts + 1;
    if (a.kind === "stopped") return;
    if (a.kind === "delivered") return this.o.repo.markDelivered(d.id, now.toISOString(), a.status);
    if (a.kind === "fatal" || attempts >= this.o.attempts) {
      const error = a.kind === "fatal" ? a.error : `${a.error} (gave up after ${attempts} attempts)`;
      this.o.log(`WARN webhook ${w.name}: delivery ${d.id} (${d.event}) failed: ${error}`);
      return this.o.repo.markFailed(d.id, now.toISOString(), a.status, error);
    }
    const next = new Date(now.getTime() + retryDelayMs(attempts, this.o.random, this.o.backoff));
    await this.o.repo.markRetry(d.id, next.toISOString(), a.status, a.error);
  }
}

/** setTimeout as a promise that an abort ends early (and clears). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
