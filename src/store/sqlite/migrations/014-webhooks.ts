import type { Migration } from "./index.ts";

/**
 * Webhooks and their delivery outbox (src/store/webhook-port.ts). A delivery row is written in the transaction of the
 * event it reports, so an event is delivered (at least once) or was never committed; `seq` orders a webhook's queue.
 */
export const webhooks: Migration = {
  name: "014-webhooks",
  up(db) {
    db.exec(`
      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        name TEXT NOT NULL,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        secret_env TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        removed_at TEXT
      );
      CREATE UNIQUE INDEX webhooks_live_name ON webhooks (org_id, name) WHERE removed_at IS NULL;
      CREATE TABLE webhook_deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        webhook_id TEXT NOT NULL REFERENCES webhooks(id),
        event TEXT NOT NULL,
        body TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        created_at TEXT NOT NULL,
        delivered_at TEXT
      );
      CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, state, seq);
      CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, seq);
      CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (state, next_attempt_at) WHERE state = 'pending';
    `);
  },
};
