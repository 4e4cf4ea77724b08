import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ManualClock, TempStore } from "../control/store-fixture.testutil.ts";
import type { WebhookEvent, WebhookRecord, WebhookRepo } from "../../store/webhook-port.ts";
import { DeliveryWorker, type WorkerOptions } from "./deliver.ts";
import { Receiver } from "./receiver.testutil.ts";
import { verifyWebhookSignature } from "./sign.ts";

const store = new TempStore();
const receiver = new Receiver();
afterAll(() => {
  receiver.stop();
  store.cleanup();
});

let clock: ManualClock;
let repo: WebhookRepo;
let orgId: string;
let n = 0;
beforeEach(async () => {
  clock = new ManualClock();
  const app = await store.open({}, clock);
  repo = app.webhooks;
  orgId = (await app.repo.ensureOrg(`org${++n}`, clock.now().toISOString())).id;
  receiver.answer = () => new Response(null, { status: 204 });
  receiver.received.length = 0;
});
const workers: DeliveryWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop(0)));
});

function hook(name: string, path = `/${name}`, secretEnv: string | null = null): Promise<WebhookRecord> {
  const events: WebhookEvent[] = ["run.blocked", "attestation.pushed"];
  return repo.add({ orgId, name, url: receiver.url(path), events, secretEnv, createdAt: clock.now().toISOString(), createdBy: "local" });
}

async function enqueue(seqLabel: string, event: WebhookEvent = "run.blocked"): Promise<void> {
  await repo.enqueue({ orgId, event, now: clock.now().toISOString(), body: (id) => JSON.stringify({ id, type: event, organization: "o", label: seqLabel, path: "/runs/r1" }) });
}

function worker(opts: Partial<WorkerOptions> = {}): DeliveryWorker {
  const w = new DeliveryWorker({ repo, publicUrl: "https://cairn.example", version: "9.9.9", env: { HOOK_SECRET: "s3cr3t" }, clock, random: () => 0.5, ...opts });
  workers.push(w);
  return w;
}

const tick = async (w: DeliveryWorker) => Promise.all(await w.dispatch());
const state = async (h: WebhookRecord) => (await repo.deliveries(h.id, 100)).reverse();

describe("DeliveryWorker", () => {
  test("POSTs the body with the link rendered, the headers and a valid signature; marks it delivered", async () => {
    const h = await hook("signed", "/signed", "HOOK_SECRET");
    await enqueue("a");
    await tick(worker());
    const [got] = receiver.at("/signed");
    const [d] = await state(h);
    expect(got!.headers["content-type"]).toBe("application/json");
    expect(got!.headers["cairn-event"]).toBe("run.blocked");
    expect(got!.headers["cairn-delivery"]).toBe(d!.id);
    expect(got!.headers["user-agent"]).toBe("cairn/9.9.9");
    expect(JSON.parse(got!.body)).toEqual({ id: d!.id, type: "run.blocked", organization: "o", label: "a", link: "https://cairn.example/runs/r1" });
    const check = verifyWebhookSignature(got!.headers["cairn-signature"], got!.body, "s3cr3t", clock.now().getTime() / 1000);
    expect(check).toEqual({ ok: true, timestamp: Math.floor(clock.now().getTime() / 1000) });
    expect(d).toMatchObject({ state: "delivered", attempts: 1, lastStatus: 204, lastError: null });
  });

  test("without a secret variable the delivery is sent unsigned", async () => {
    await hook("plain");
    await enqueue("a");
    await tick(worker());
    expect(receiver.at("/plain")).toHaveLength(1);
    expect(receiver.at("/plain")[0]!.headers["cairn-signature"]).toBeUndefined();
  });

  test("a secret variable missing from the environment fails the attempt unsent, and it is retried", async () => {
    const h = await hook("nosecret", "/nosecret", "MISSING_SECRET");
    await enqueue("a");
    const w = worker();
    await tick(w);
    expect(receiver.at("/nosecret")).toHaveLength(0);
    const [d] = await state(h);
    expect(d).toMatchObject({ state: "pending", attempts: 1, lastStatus: null });
    expect(d!.lastError).toContain("secret variable MISSING_SECRET is not set");
    expect(d!.nextAttemptAt).toBe(new Date(clock.now().getTime() + 500).toISOString());
  });

  test("always 500: retried with doubling jittered backoff, then failed at the limit; the answer is kept to 4 KiB", async () => {
    const h = await hook("broken");
    receiver.answer = () => new Response("x".repeat(64 * 1024), { status: 500 });
    await enqueue("a");
    const w = worker({ attempts: 3 });
    await tick(w);
    let [d] = await state(h);
    expect(d).toMatchObject({ state: "pending", attempts: 1, lastStatus: 500 });
    expect(d!.lastError!.length).toBeLessThanOrEqual("HTTP 500: ".length + 4096);
    expect(d!.lastError!.startsWith(`HTTP 500: ${"x".repeat(100)}`)).toBe(true);
    expect(d!.nextAttemptAt).toBe(new Date(clock.now().getTime() + 500).toISOString()); // 0.5 × 1 s
    clock.advance(499);
    expect((await w.dispatch())).toHaveLength(0); // not due yet
    clock.advance(1);
    await tick(w);
    [d] = await state(h);
    expect(d!.nextAttemptAt).toBe(new Date(clock.now().getTime() + 1000).toISOString()); // 0.5 × 2 s
    clock.advance(1000);
    await tick(w);
    [d] = await state(h);
    expect(d).toMatchObject({ state: "failed", attempts: 3, lastStatus: 500 });
    expect(d!.lastError).toContain("(gave up after 3 attempts)");
    expect(receiver.at("/broken")).toHaveLength(3);
    clock.advance(3_600_000);
    expect((await w.dispatch())).toHaveLength(0);
  });

  test("one webhook's deliveries go in order: the head blocks the rest until it is delivered", async () => {
    const h = await hook("ordered");
    let down = true;
    receiver.answer = () => new Response(null, { status: down ? 503 : 200 });
    for (const l of ["1", "2", "3"]) await enqueue(l);
    const w = worker();
    await tick(w);
    clock.advance(60_000);
    await tick(w);
    expect(receiver.at("/ordered").map((r) => JSON.parse(r.body).label)).toEqual(["1", "1"]);
    down = false;
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      await tick(w);
    }
    const labels = receiver.at("/ordered").map((r) => JSON.parse(r.body).label);
    expect(labels).toEqual(["1", "1", "1", "2", "3"]);
    expect((await state(h)).map((d) => d.state)).toEqual(["delivered", "delivered", "delivered"]);
  });

  test("a hanging endpoint delays only its own webhook", async () => {
    await hook("hang");
    const fast = await hook("fast");
    receiver.answer = async (_req, path) => {
      if (path === "/hang") await Bun.sleep(2000);
      return new Response(null, { status: 200 });
    };
    await enqueue("a");
    await enqueue("b");
    const w = worker({ timeoutMs: 5000 });
    const started = performance.now();
    const attempts = await w.dispatch();
    expect(attempts).toHaveLength(2); // one per webhook, at once
    await Promise.race(attempts); // the fast one
    const next = await w.dispatch(); // the hanging webhook is still in flight: only the fast one's second delivery starts
    expect(next).toHaveLength(1);
    await next[0];
    expect((await state(fast)).map((d) => d.state)).toEqual(["delivered", "delivered"]);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  test("a redirect is a failure and is not followed", async () => {
    const h = await hook("moved");
    receiver.answer = (_req, path) => (path === "/moved" ? new Response(null, { status: 302, headers: { location: receiver.url("/target") } }) : new Response("ok"));
    await enqueue("a");
    await tick(worker());
    expect(receiver.at("/target")).toHaveLength(0);
    const [d] = await state(h);
    expect(d).toMatchObject({ state: "pending", attempts: 1, lastStatus: 302 });
    expect(d!.lastError).toContain("redirects are not followed");
  });

  test("an endpoint slower than the timeout: the attempt fails with a timeout", async () => {
    const h = await hook("slow");
    receiver.answer = async () => (await Bun.sleep(1500), new Response(null, { status: 200 }));
    await enqueue("a");
    const started = performance.now();
    await tick(worker({ timeoutMs: 200 }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await state(h))[0]).toMatchObject({ state: "pending", attempts: 1, lastStatus: null, lastError: "no answer within 0.2s (timeout)" });
  });

  test("a stop cuts off an attempt in flight without marking it (sent again after restart)", async () => {
    const h = await hook("cut");
    receiver.answer = async () => (await Bun.sleep(1500), new Response(null, { status: 200 }));
    await enqueue("a");
    const w = worker();
    const attempts = await w.dispatch();
    await Bun.sleep(100);
    await w.stop(50);
    await Promise.all(attempts);
    expect((await state(h))[0]).toMatchObject({ state: "pending", attempts: 0, lastError: null });
  });

  test("the loop: wake() delivers what was just enqueued, with the real clock", async () => {
    const w = new DeliveryWorker({ repo, publicUrl: "http://x", version: "1", env: {} });
    workers.push(w);
    const h = await hook("loop");
    w.start();
    await Bun.sleep(50);
    await repo.enqueue({ orgId, event: "run.blocked", now: new Date().toISOString(), body: (id) => JSON.stringify({ id }) });
    const started = performance.now();
    w.wake();
    while ((await state(h))[0]?.state !== "delivered" && performance.now() - started < 2000) await Bun.sleep(5);
    expect((await state(h))[0]?.state).toBe("delivered");
    expect(performance.now() - started).toBeLessThan(500);
  });
});
