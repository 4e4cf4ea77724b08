import { CairnError } from "../../errors.ts";
import type { DeliveryRecord, EnqueuedEvent, NewWebhook, WebhookEvent, WebhookRecord, WebhookRepo } from "../webhook-port.ts";
import { isUniqueViolation, type PgDatabase } from "./database.ts";

interface HookRow {
  id: string;
  orgId: string;
  name: string;
  url: string;
  events: string;
  secretEnv: string | null;
  createdAt: string;
  createdBy: string;
  removedAt: string | null;
}

const HOOK = `SELECT id, org_id AS "orgId", name, url, events, secret_env AS "secretEnv", created_at AS "createdAt", created_by AS "createdBy",
  removed_at AS "removedAt" FROM webhooks`;
const DELIVERY = `SELECT d.seq, d.id, d.webhook_id AS "webhookId", d.event, d.body, d.state, d.attempts, d.next_attempt_at AS "nextAttemptAt",
  d.last_status AS "lastStatus", d.last_error AS "lastError", d.created_at AS "createdAt", d.delivered_at AS "deliveredAt" FROM webhook_deliveries d`;

const toHook = (r: HookRow): WebhookRecord => ({ ...r, events: JSON.parse(r.events) as WebhookEvent[] });

/**
 * WebhookRepo over PostgreSQL (tables webhooks and webhook_deliveries of the baseline; seq orders the outbox). Its TEXT
 * columns are COLLATE "C": names and ISO times order and compare bytewise, as in SQLite.
 */
export class PgWebhookRepo implements WebhookRepo {
  constructor(private readonly db: PgDatabase) {}

  /** A live name taken meanwhile (by another replica, after the service's check) is ALREADY_EXISTS. */
  async add(w: NewWebhook): Promise<WebhookRecord> {
    const id = crypto.randomUUID();
    try {
      await this.db.query(
        "INSERT INTO webhooks (id, org_id, name, url, events, secret_env, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [id, w.orgId, w.name, w.url, JSON.stringify(w.events), w.secretEnv, w.createdAt, w.createdBy],
      );
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      throw new CairnError("ALREADY_EXISTS", `--name ${w.name}: a webhook of that name is already registered in this organization`, {
        hint: "pick another --name, or remove the old one first with `cairn org webhook remove --name NAME`",
        cause: e,
      });
    }
    return { ...w, id, removedAt: null };
  }

  async find(orgId: string, name: string): Promise<WebhookRecord | undefined> {
    const [row] = await this.db.query<HookRow>(`${HOOK} WHERE org_id = $1 AND name = $2 AND removed_at IS NULL`, [orgId, name]);
    return row ? toHook(row) : undefined;
  }

  async list(orgId: string): Promise<WebhookRecord[]> {
    return (await this.db.query<HookRow>(`${HOOK} WHERE org_id = $1 AND removed_at IS NULL ORDER BY name`, [orgId])).map(toHook);
  }

  async remove(id: string, now: string): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.query("UPDATE webhooks SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL", [now, id]);
      await this.db.query("UPDATE webhook_deliveries SET state = 'failed', last_error = 'webhook removed' WHERE webhook_id = $1 AND state = 'pending'", [id]);
    });
  }

  async enqueue(e: EnqueuedEvent): Promise<number> {
    const hooks = (await this.list(e.orgId)).filter((h) => h.events.includes(e.event));
    if (hooks.length === 0) return 0;
    const rows = hooks.map((h) => {
      const id = crypto.randomUUID();
      return [id, h.id, e.event, e.body(id, h), e.now, e.now];
    });
    // One statement, rows in the order of the list: seq follows it, as SQLite's one insert per webhook does.
    const values = rows.map((_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, 'pending', $${i * 6 + 5}, $${i * 6 + 6})`);
    await this.db.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, event, body, state, next_attempt_at, created_at) VALUES ${values.join(", ")}`,
      rows.flat(),
    );
    return hooks.length;
  }

  async due(now: string, limit: number): Promise<{ delivery: DeliveryRecord; webhook: WebhookRecord }[]> {
    // The head of each live webhook's queue (its oldest pending delivery), when due.
    const rows = await this.db.query<DeliveryRecord>(
      `${DELIVERY} JOIN webhooks w ON w.id = d.webhook_id AND w.removed_at IS NULL
       WHERE d.state = 'pending' AND d.seq = (SELECT min(q.seq) FROM webhook_deliveries q WHERE q.webhook_id = d.webhook_id AND q.state = 'pending')
         AND d.next_attempt_at <= $1 ORDER BY d.seq LIMIT $2`,
      [now, limit],
    );
    if (rows.length === 0) return [];
    const hooks = await this.db.query<HookRow>(`${HOOK} WHERE id = ANY($1::text[])`, [[...new Set(rows.map((d) => d.webhookId))]]);
    const byId = new Map(hooks.map((h) => [h.id, toHook(h)]));
    return rows.map((delivery) => ({ delivery, webhook: byId.get(delivery.webhookId)! }));
  }

  async nextDue(): Promise<string | undefined> {
    const [row] = await this.db.query<{ at: string | null }>(
      `SELECT min(d.next_attempt_at) AS at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.removed_at IS NULL WHERE d.state = 'pending'`,
    );
    return row?.at ?? undefined;
  }

  async markDelivered(id: string, now: string, status: number): Promise<void> {
    await this.db.query(
      "UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = $1, last_error = NULL, delivered_at = $2 WHERE id = $3",
      [status, now, id],
    );
  }

  async markRetry(id: string, nextAttemptAt: string, status: number | null, error: string): Promise<void> {
    await this.db.query("UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $1, last_status = $2, last_error = $3 WHERE id = $4", [
      nextAttemptAt,
      status,
      error,
      id,
    ]);
  }

  async markFailed(id: string, now: string, status: number | null, error: string): Promise<void> {
    await this.db.query(
      "UPDATE webhook_deliveries SET state = 'failed', attempts = attempts + 1, next_attempt_at = $1, last_status = $2, last_error = $3 WHERE id = $4",
      [now, status, error, id],
    );
  }

  async deliveries(webhookId: string, limit: number, beforeSeq?: number): Promise<DeliveryRecord[]> {
    if (beforeSeq === undefined) return this.db.query<DeliveryRecord>(`${DELIVERY} WHERE d.webhook_id = $1 ORDER BY d.seq DESC LIMIT $2`, [webhookId, limit]);
    return this.db.query<DeliveryRecord>(`${DELIVERY} WHERE d.webhook_id = $1 AND d.seq < $2 ORDER BY d.seq DESC LIMIT $3`, [webhookId, beforeSeq, limit]);
  }
}
