import { afterAll, describe, expect, test } from "bun:test";
import { testStore } from "../services/control/runs.testutil.ts";
import { currentOrgId } from "../services/control/runs.ts";
import { createToken } from "../services/control/tokens.ts";
import { DeliveryWorker } from "../services/webhooks/deliver.ts";
import { Receiver } from "../services/webhooks/receiver.testutil.ts";
import { startServer } from "./server.ts";

// The real clock: the worker compares next attempts with it.
const s = await testStore();
s.advance(Date.now() - s.app.clock.now().getTime());
const token = (await createToken(s.app, { name: "ops", role: "maintainer" })).token;
const receiver = new Receiver();
const worker = new DeliveryWorker({ repo: s.app.webhooks, publicUrl: "https://cairn.example", version: "1", env: {}, clock: { now: () => new Date() } });
let writes = 0;
const server = startServer({
  app: s.app,
  hostname: "127.0.0.1",
  port: 0,
  limits: { maxBodyBytes: 1 << 20, maxBlobBytes: 1 << 20 },
  log: () => {},
  afterWrite: () => {
    writes++;
    worker.wake();
  },
});
afterAll(async () => {
  await worker.stop(0);
  await server.stop(500);
  receiver.stop();
  s.cleanup();
});

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, ...(body !== undefined && { body: JSON.stringify(body) }) });

describe("the server wakes the webhook worker", () => {
  test("after every state-changing request that succeeded; not after reads, verifications or refusals", async () => {
    await api("GET", "/api/v1/contracts");
    await api("HEAD", "/api/v1/contracts");
    await api("POST", "/api/v1/verify", { digest: `sha256:${"0".repeat(64)}` }); // a POST that changes nothing
    expect((await api("POST", "/api/v1/contracts", { name: "Not A Name!" })).status).toBe(400); // refused: nothing committed
    await api("DELETE", "/api/v1/contracts/absent");
    expect(writes).toBe(0);
    expect((await api("POST", "/api/v1/contracts", { name: "woken" })).status).toBe(201);
    expect(writes).toBe(1);
  });

  test("an event a request enqueued goes out at once, not at the worker's next poll", async () => {
    const now = s.app.clock.now().toISOString();
    const orgId = (await s.app.repo.ensureOrg("default", now)).id;
    expect(orgId).toBe((await currentOrgId(s.app))!);
    await s.app.webhooks.add({ orgId, name: "ci", url: receiver.url("/ci"), events: ["contract.revised"], secretEnv: null, createdAt: now, createdBy: "local" });
    worker.start();
    await Bun.sleep(50); // the loop is asleep (its idle poll is 5 s)
    const started = performance.now();
    expect((await api("POST", "/api/v1/contracts", { name: "demo" })).status).toBe(201);
    while (receiver.at("/ci").length === 0 && performance.now() - started < 3000) await Bun.sleep(5);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(JSON.parse(receiver.at("/ci")[0]!.body)).toMatchObject({ type: "contract.revised", contract: { name: "demo", revision: 1 }, link: "https://cairn.example/contracts/demo" });
  });
});
