/**
 * Storage port for the webhooks of `cairn serve` (docs/webhooks.md): registered endpoints per organization, and the
 * outbox of their deliveries. A delivery is enqueued in the same transaction as the event it reports; a worker
 * delivers each webhook's deliveries in order (the oldest pending one first), retries with backoff, and marks a
 * delivery failed after the attempt limit.
 */

/** The events a webhook may subscribe to. */
export const WEBHOOK_EVENTS = ["contract.revised", "run.blocked", "run.failed", "workflow.behind", "workflow.stale", "attestation.pushed"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookRecord {
  id: string;
  orgId: string;
  name: string;
  /** http(s) URL, exactly as registered; deliveries go there and nowhere else (redirects are not followed). */
  url: string;
  events: WebhookEvent[];
  /** The environment variable of the server holding the HMAC secret; the secret itself is never stored. */
  secretEnv: string | null;
  createdAt: string;
  /** `token:<name>` or `local`. */
  createdBy: string;
  removedAt: string | null;
}

export type NewWebhook = Omit<WebhookRecord, "id" | "removedAt">;

export type DeliveryState = "pending" | "delivered" | "failed";

export interface DeliveryRecord {
  /** Stable delivery id (also in the body and the `Cairn-Delivery` header): receivers dedupe on it. */
  id: string;
  /** Order of enqueueing (global); a webhook's deliveries are delivered in this order. */
  seq: number;
  webhookId: string;
  event: WebhookEvent;
  /** The exact JSON body that is signed and sent. */
  body: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** What an event says; the adapter adds one delivery (with its own id) per live webhook of the organization subscribed to it. */
export interface EnqueuedEvent {
  orgId: string;
  event: WebhookEvent;
  /** Renders the body of one delivery, given its id and the webhook it goes to. */
  body: (deliveryId: string, webhook: WebhookRecord) => string;
  now: string;
}

export interface WebhookRepo {
  add(w: NewWebhook): Promise<WebhookRecord>;
  /** A live webhook by name. */
  find(orgId: string, name: string): Promise<WebhookRecord | undefined>;
  list(orgId: string): Promise<WebhookRecord[]>;
  /** Soft removal: its pending deliveries are marked failed ("webhook removed"). */
  remove(id: string, now: string): Promise<void>;
  /** Call inside the event's own transaction. Returns how many deliveries were enqueued. */
  enqueue(e: EnqueuedEvent): Promise<number>;
  /**
   * Deliveries due at `now`: for each live webhook, its oldest pending delivery only (so one webhook's deliveries
   * keep their order), if its next attempt is due. At most `limit`, oldest first.
   */
  due(now: string, limit: number): Promise<{ delivery: DeliveryRecord; webhook: WebhookRecord }[]>;
  /** The earliest next attempt among pending deliveries of live webhooks (the worker sleeps until then), if any. */
  nextDue(): Promise<string | undefined>;
  markDelivered(id: string, now: string, status: number): Promise<void>;
  markRetry(id: string, nextAttemptAt: string, status: number | null, error: string): Promise<void>;
  markFailed(id: string, now: string, status: number | null, error: string): Promise<void>;
  /** A webhook's deliveries, newest first; `beforeSeq` pages. */
  deliveries(webhookId: string, limit: number, beforeSeq?: number): Promise<DeliveryRecord[]>;
}
