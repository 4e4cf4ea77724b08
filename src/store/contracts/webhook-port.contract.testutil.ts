/** Test support: the WebhookRepo contract (live webhooks by name, the delivery outbox and its per-webhook order), as each store runs it. */
import { describe, expect, test } from "bun:test";
import type { NewWebhook, WebhookEvent, WebhookRepo } from "../webhook-port.ts";
import type { OpenStore } from "./contract-store.testutil.ts";

export interface WebhookPorts {
  webhooks: WebhookRepo;
  /** A new organization; its id. */
  seedOrg(): Promise<string>;
}

const T0 = "2025-01-01T00:00:00.000Z";
const T1 = "2025-01-01T00:01:00.000Z";
const T2 = "2025-01-01T00:02:00.000Z";
export const hook = (orgId: string, name: string, events: WebhookEvent[] = ["run.failed", "attestation.pushed"]): NewWebhook => ({
  orgId, name, url: `https://hooks.example/${name}`, events, secretEnv: null, createdAt: T0, createdBy: "local",
});

export function webhookContract(name: string, open: OpenStore<WebhookPorts>): void {
  describe(`WebhookRepo contract: ${name}`, () => {
    const withStore = (fn: (repo: WebhookRepo, o: string, p: WebhookPorts) => Promise<void>) => async () => {
      const p = await open();
      try {
        await fn(p.webhooks, await p.seedOrg(), p);
      } finally {
        await p.close();
      }
    };
    const enqueue = (repo: WebhookRepo, orgId: string, event: WebhookEvent, now = T0) =>
      repo.enqueue({ orgId, event, now, body: (id, w) => JSON.stringify({ id, to: w.name }) });

    test("add, find and list live webhooks of one organization, by name; events and secretEnv round-trip", withStore(async (repo, o, p) => {
      const b = await repo.add({ ...hook(o, "b"), secretEnv: "HOOK_SECRET", createdBy: "token:secops" });
      const a = await repo.add(hook(o, "a", ["contract.revised"]));
      await repo.add(hook(await p.seedOrg(), "a"));
      await repo.add(hook(o, "B"));
      expect(await repo.find(o, "b")).toEqual({ ...hook(o, "b"), secretEnv: "HOOK_SECRET", createdBy: "token:secops", id: b.id, removedAt: null });
      expect(await repo.find(o, "nope")).toBeUndefined();
      expect((await repo.list(o)).map((w) => [w.name, w.events])).toEqual([["B", ["run.failed", "attestation.pushed"]], ["a", ["contract.revised"]], ["b", ["run.failed", "attestation.pushed"]]]);
      expect(a.id).not.toBe(b.id);
    }));

    test("a live name is unique in its organization; once removed the name is free and the old one is gone", withStore(async (repo, o) => {
      const first = await repo.add(hook(o, "ci"));
      await expect(repo.add(hook(o, "ci"))).rejects.toThrow();
      await repo.remove(first.id, T1);
      expect(await repo.find(o, "ci")).toBeUndefined();
      expect(await repo.list(o)).toEqual([]);
      const again = await repo.add(hook(o, "ci"));
      expect((await repo.find(o, "ci"))!.id).toBe(again.id);
    }));

    test("enqueue: one delivery per live subscribed webhook, each with its own id in its body; none without webhooks", withStore(async (repo, o, p) => {
      let rendered = 0;
      expect(await repo.enqueue({ orgId: await p.seedOrg(), event: "run.failed", now: T0, body: () => String(++rendered) })).toBe(0);
      expect(rendered).toBe(0);
      const a = await repo.add(hook(o, "a", ["run.failed"]));
      const b = await repo.add(hook(o, "b", ["run.failed", "run.blocked"]));
      await repo.add(hook(o, "c", ["contract.revised"]));
      await repo.remove((await repo.add(hook(o, "gone", ["run.failed"]))).id, T0);
      expect(await enqueue(repo, o, "run.failed")).toBe(2);
      expect(await enqueue(repo, o, "workflow.stale")).toBe(0);
      for (const w of [a, b]) {
        const [d, ...rest] = await repo.deliveries(w.id, 10);
        expect(rest).toEqual([]);
        expect(d).toMatchObject({ webhookId: w.id, event: "run.failed", state: "pending", attempts: 0, nextAttemptAt: T0, lastStatus: null, lastError: null, createdAt: T0, deliveredAt: null });
        expect(typeof d!.seq).toBe("number");
        expect(JSON.parse(d!.body)).toEqual({ id: d!.id, to: w.name });
      }
    }));

    test("due: the head of each live webhook's queue when due; a retry keeps its queue waiting", withStore(async (repo, o) => {
      const a = await repo.add(hook(o, "a"));
      const b = await repo.add(hook(o, "b"));
      await enqueue(repo, o, "run.failed", T0);
      await enqueue(repo, o, "attestation.pushed", T0);
      const heads = await repo.due(T0, 10);
      expect(heads.map((x) => [x.webhook.name, x.delivery.event])).toEqual([["a", "run.failed"], ["b", "run.failed"]]);
      expect(heads[0]!.webhook).toEqual(a);
      const [headA, headB] = heads;
      await repo.markRetry(headA!.delivery.id, T2, 503, "HTTP 503");
      await repo.markDelivered(headB!.delivery.id, T0, 204);
      const mine = async (now: string) => (await repo.due(now, 10)).map((x) => [x.webhook.name, x.delivery.event]);
      expect(await mine(T1)).toEqual([["b", "attestation.pushed"]]);
      expect(await mine(T2)).toEqual([["a", "run.failed"], ["b", "attestation.pushed"]]);
      expect((await repo.deliveries(a.id, 10)).find((d) => d.id === headA!.delivery.id)).toMatchObject({ state: "pending", attempts: 1, nextAttemptAt: T2, lastStatus: 503, lastError: "HTTP 503" });
      expect((await repo.deliveries(b.id, 10)).find((d) => d.id === headB!.delivery.id)).toMatchObject({ state: "delivered", attempts: 1, lastStatus: 204, lastError: null, deliveredAt: T0 });
      expect(await repo.due(T2, 1)).toHaveLength(1);
    }));

    test("markFailed ends a delivery; removing a webhook fails its pending ones and takes it out of due and nextDue", withStore(async (repo, o) => {
      expect(await repo.nextDue()).toBeUndefined();
      const w = await repo.add(hook(o, "w"));
      await enqueue(repo, o, "run.failed", T1);
      await enqueue(repo, o, "run.failed", T2);
      expect(await repo.nextDue()).toBe(T1);
      const [newest, oldest] = await repo.deliveries(w.id, 10);
      await repo.markFailed(oldest!.id, T1, null, "connection refused");
      expect((await repo.deliveries(w.id, 10))[1]).toMatchObject({ state: "failed", attempts: 1, lastStatus: null, lastError: "connection refused" });
      expect(await repo.nextDue()).toBe(T2);
      expect((await repo.due(T2, 100)).map((x) => x.delivery.id)).toContain(newest!.id);
      await repo.remove(w.id, T2);
      expect((await repo.deliveries(w.id, 10)).map((d) => [d.state, d.lastError])).toEqual([["failed", "webhook removed"], ["failed", "connection refused"]]);
      expect(await repo.due(T2, 100)).toEqual([]);
      expect(await repo.nextDue()).toBeUndefined();
    }));

    test("deliveries: newest first, paged by seq", withStore(async (repo, o) => {
      const w = await repo.add(hook(o, "w"));
      for (let i = 0; i < 5; i++) await enqueue(repo, o, i % 2 ? "run.failed" : "attestation.pushed");
      const all = await repo.deliveries(w.id, 10);
      expect(all.map((d) => d.seq)).toEqual([...all.map((d) => d.seq)].sort((x, y) => y - x));
      const page1 = await repo.deliveries(w.id, 2);
      const page2 = await repo.deliveries(w.id, 2, page1[1]!.seq);
      const page3 = await repo.deliveries(w.id, 2, page2[1]!.seq);
      expect([...page1, ...page2, ...page3].map((d) => d.id)).toEqual(all.map((d) => d.id));
      expect(await repo.deliveries(w.id, 2, all[4]!.seq)).toEqual([]);
    }));
  });
}
