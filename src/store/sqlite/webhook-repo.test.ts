import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NewWebhook, WebhookEvent } from "../webhook-port.ts";
import { openDatabase } from "./db.ts";
import { SqliteRepo } from "./sqlite-repo.ts";
import { SqliteWebhookRepo } from "./webhook-repo.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-webhookrepo-"));
const db = openDatabase(join(dir, "w.db"));
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
const repo = new SqliteWebhookRepo(db);
const control = new SqliteRepo(db);
const T0 = "2025-01-01T00:00:00.000Z";
const T1 = "2025-01-01T00:01:00.000Z";
const T2 = "2025-01-01T00:02:00.000Z";

let n = 0;
function org(): string {
  return control.ensureOrg(`org${++n}`, T0).id;
}
const hook = (orgId: string, name: string, events: WebhookEvent[] = ["run.failed", "attestation.pushed"]): NewWebhook => ({
  orgId,
  name,
  url: `https://hooks.example/${name}`,
  events,
  secretEnv: null,
  createdAt: T0,
  createdBy: "local",
});
/** Enqueues one event whose body names the delivery and the webhook it goes to. */
const enqueue = (orgId: string, event: WebhookEvent, now = T0) =>
  repo.enqueue({ orgId, event, now, body: (id, w) => JSON.stringify({ id, to: w.name }) });

describe("SqliteWebhookRepo", () => {
  test("add, find and list live webhooks of one organization, by name; events and secretEnv round-trip", () => {
    const o = org();
    const b = repo.add({ ...hook(o, "b"), secretEnv: "HOOK_SECRET", createdBy: "token:secops" });
    const a = repo.add(hook(o, "a", ["contract.revised"]));
    repo.add(hook(org(), "a"));
    expect(repo.find(o, "b")).toEqual({ ...hook(o, "b"), secretEnv: "HOOK_SECRET", createdBy: "token:secops", id: b.id, removedAt: null });
    expect(repo.find(o, "nope")).toBeUndefined();
    expect(repo.list(o).map((w) => [w.name, w.events])).toEqual([["a", ["contract.revised"]], ["b", ["run.failed", "attestation.pushed"]]]);
    expect(a.id).not.toBe(b.id);
  });

  test("a live name is unique in its organization; once removed the name is free and the old one is gone from find/list", () => {
    const o = org();
    const first = repo.add(hook(o, "ci"));
    expect(() => repo.add(hook(o, "ci"))).toThrow();
    repo.remove(first.id, T1);
    expect(repo.find(o, "ci")).toBeUndefined();
    expect(repo.list(o)).toEqual([]);
    const again = repo.add(hook(o, "ci"));
    expect(repo.find(o, "ci")!.id).toBe(again.id);
  });

  test("enqueue: one delivery per live webhook subscribed to the event, each with its own id in its body", () => {
    const o = org();
    const a = repo.add(hook(o, "a", ["run.failed"]));
    const b = repo.add(hook(o, "b", ["run.failed", "run.blocked"]));
    repo.add(hook(o, "c", ["contract.revised"]));
    repo.remove(repo.add(hook(o, "gone", ["run.failed"])).id, T0);
    expect(enqueue(o, "run.failed")).toBe(2);
    expect(enqueue(o, "workflow.stale")).toBe(0);
    for (const w of [a, b]) {
      const [d, ...rest] = repo.deliveries(w.id, 10);
      expect(rest).toEqual([]);
      expect(d).toMatchObject({ webhookId: w.id, event: "run.failed", state: "pending", attempts: 0, nextAttemptAt: T0, lastStatus: null, lastError: null, createdAt: T0, deliveredAt: null });
      expect(JSON.parse(d!.body)).toEqual({ id: d!.id, to: w.name });
    }
  });

  test("enqueue for an organization without webhooks renders nothing and reads one index, never the table", () => {
    const o = org();
    let rendered = 0;
    expect(repo.enqueue({ orgId: o, event: "run.failed", now: T0, body: () => String(++rendered) })).toBe(0);
    expect(rendered).toBe(0);
    const plan = db
      .query("EXPLAIN QUERY PLAN SELECT 1 FROM webhooks WHERE org_id = ? AND removed_at IS NULL LIMIT 1")
      .all(o) as { detail: string }[];
    expect(plan.map((p) => p.detail).join("\n")).toContain("USING INDEX webhooks_live_name");
  });

  test("due: the head of each live webhook's queue when its attempt is due; nextDue the earliest attempt", () => {
    const o = org();
    const a = repo.add(hook(o, "a"));
    const b = repo.add(hook(o, "b"));
    enqueue(o, "run.failed", T0);
    enqueue(o, "attestation.pushed", T0);
    const heads = repo.due(T0, 10).filter((x) => x.webhook.orgId === o);
    expect(heads.map((x) => [x.webhook.name, x.delivery.event])).toEqual([["a", "run.failed"], ["b", "run.failed"]]);
    // a retry later keeps a's queue waiting (its second delivery is not handed out before the first)
    const [headA, headB] = heads;
    repo.markRetry(headA!.delivery.id, T2, 503, "HTTP 503");
    repo.markDelivered(headB!.delivery.id, T0, 204);
    const mine = (now: string) => repo.due(now, 10).filter((x) => x.webhook.orgId === o).map((x) => [x.webhook.name, x.delivery.event]);
    expect(mine(T1)).toEqual([["b", "attestation.pushed"]]);
    expect(mine(T2)).toEqual([["a", "run.failed"], ["b", "attestation.pushed"]]);
    const [retried] = repo.deliveries(a.id, 10).filter((d) => d.id === headA!.delivery.id);
    expect(retried).toMatchObject({ state: "pending", attempts: 1, nextAttemptAt: T2, lastStatus: 503, lastError: "HTTP 503" });
    const [done] = repo.deliveries(b.id, 10).filter((d) => d.id === headB!.delivery.id);
    expect(done).toMatchObject({ state: "delivered", attempts: 1, lastStatus: 204, lastError: null, deliveredAt: T0 });
    expect(repo.due(T0, 1).length).toBeLessThanOrEqual(1);
  });

  test("markFailed ends a delivery; removing a webhook fails its pending ones and takes it out of due/nextDue", () => {
    const o = org();
    const w = repo.add(hook(o, "w"));
    enqueue(o, "run.failed");
    enqueue(o, "run.failed");
    const [newest, oldest] = repo.deliveries(w.id, 10);
    repo.markFailed(oldest!.id, T1, null, "connection refused");
    expect(repo.deliveries(w.id, 10)[1]).toMatchObject({ state: "failed", attempts: 1, lastStatus: null, lastError: "connection refused" });
    expect(repo.due(T2, 100).map((x) => x.delivery.id)).toContain(newest!.id);
    repo.remove(w.id, T2);
    expect(repo.deliveries(w.id, 10).map((d) => [d.state, d.lastError])).toEqual([["failed", "webhook removed"], ["failed", "connection refused"]]);
    expect(repo.due(T2, 100).map((x) => x.webhook.id)).not.toContain(w.id);
  });

  test("nextDue is the earliest pending attempt of live webhooks", () => {
    // a fresh database: nextDue spans every organization
    const d2 = openDatabase(join(dir, "next.db"));
    const r = new SqliteWebhookRepo(d2);
    const o = new SqliteRepo(d2).ensureOrg("x", T0).id;
    expect(r.nextDue()).toBeUndefined();
    const w = r.add(hook(o, "w"));
    r.enqueue({ orgId: o, event: "run.failed", now: T1, body: () => "{}" });
    expect(r.nextDue()).toBe(T1);
    r.remove(w.id, T2);
    expect(r.nextDue()).toBeUndefined();
    d2.close();
  });

  test("deliveries: newest first, paged by seq", () => {
    const o = org();
    const w = repo.add(hook(o, "w"));
    for (let i = 0; i < 5; i++) enqueue(o, i % 2 ? "run.failed" : "attestation.pushed");
    const all = repo.deliveries(w.id, 10);
    expect(all.map((d) => d.seq)).toEqual([...all.map((d) => d.seq)].sort((x, y) => y - x));
    const page1 = repo.deliveries(w.id, 2);
    const page2 = repo.deliveries(w.id, 2, page1[1]!.seq);
    const page3 = repo.deliveries(w.id, 2, page2[1]!.seq);
    expect([...page1, ...page2, ...page3].map((d) => d.id)).toEqual(all.map((d) => d.id));
    expect(repo.deliveries(w.id, 2, all[4]!.seq)).toEqual([]);
  });
});
