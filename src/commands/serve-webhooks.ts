import { parseDuration } from "../config.ts";
import { CairnError } from "../errors.ts";
import type { ServiceDeps } from "../services/deps.ts";
import { staleDaysFromEnv } from "../services/control/compliance.ts";
import { ComplianceJob } from "../services/webhooks/compliance-job.ts";
import { DeliveryWorker } from "../services/webhooks/deliver.ts";

/** The flags of `cairn serve` for webhooks (docs/webhooks.md). */
export interface WebhookFlags {
  webhookAttempts: string;
  webhookTimeout: string;
  webhookBackoff: string;
  complianceInterval: string;
}

export interface Webhooks {
  /** After a state-changing request: deliveries it enqueued go out now. */
  wake(): void;
  /** Stops the compliance job and the worker (attempts in flight may finish for `graceMs`). */
  stop(graceMs: number): Promise<void>;
}

export interface WebhookSettings {
  attempts: number;
  timeoutMs: number;
  backoffBaseMs: number;
  /** 0: the compliance job is off. */
  complianceIntervalMs: number;
  /** CAIRN_COMPLIANCE_FIRST_DELAY (default 1m): before the job's first run after start. */
  complianceFirstDelayMs: number;
}

/** Checked before the server starts: a bad value stops `cairn serve` with USAGE. */
export function webhookSettings(f: WebhookFlags, env: Record<string, string | undefined>): WebhookSettings {
  const attempts = Number(f.webhookAttempts);
  if (!/^\d{1,3}$/.test(f.webhookAttempts.trim()) || attempts < 1) {
    throw new CairnError("USAGE", `--webhook-attempts ${JSON.stringify(f.webhookAttempts)} is not a whole number from 1`, { hint: "e.g. --webhook-attempts 8 (the default)" });
  }
  const off = /^0[smhd]?$/.test(f.complianceInterval.trim());
  return {
    attempts,
    timeoutMs: parseDuration(f.webhookTimeout, "--webhook-timeout"),
    backoffBaseMs: parseDuration(f.webhookBackoff, "--webhook-backoff"),
    complianceIntervalMs: off ? 0 : parseDuration(f.complianceInterval, "--compliance-interval"),
    complianceFirstDelayMs: parseDuration(env.CAIRN_COMPLIANCE_FIRST_DELAY || "1m", "CAIRN_COMPLIANCE_FIRST_DELAY"),
  };
}

/** Starts the delivery worker and (unless off) the compliance job; call once the server listens. */
export function startWebhooks(app: ServiceDeps, s: WebhookSettings, publicUrl: string, log: (line: string) => void): Webhooks {
  const worker = new DeliveryWorker({
    repo: app.webhooks,
    publicUrl,
    version: app.version,
    env: app.config.env,
    attempts: s.attempts,
    timeoutMs: s.timeoutMs,
    backoff: { baseMs: s.backoffBaseMs, capMs: Math.max(s.backoffBaseMs, 10 * 60_000) },
    log,
  });
  worker.start();
  const job =
    s.complianceIntervalMs > 0
      ? new ComplianceJob(app, { intervalMs: s.complianceIntervalMs, firstDelayMs: s.complianceFirstDelayMs, staleDays: staleDaysFromEnv(app.config.env), onEnqueued: () => worker.wake(), log })
      : undefined;
  job?.start();
  return {
    wake: () => worker.wake(),
    stop: async (graceMs) => {
      await job?.stop();
      await worker.stop(graceMs);
    },
  };
}
