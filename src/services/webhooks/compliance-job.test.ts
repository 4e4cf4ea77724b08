import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { seedEveryState } from "../../server/web/seed.testutil.ts";
import { currentOrgId } from "../control/runs.ts";
import { testStore } from "../control/runs.testutil.ts";
import type { WebhookEvent, WebhookRecord } from "../../store/webhook-port.ts";
import { ComplianceJob } from "./compliance-job.ts";

describe("ComplianceJob", async () => {
  const s = await testStore();
  let both: WebhookRecord;
  let staleOnly: WebhookRecord;
  beforeAll(async () => {
    await seedEveryState(s);
    const add = async (name: string, events: WebhookEvent[]) =>
      await s.app.webhooks.add({ orgId: (await currentOrgId(s.app))!, name, url: "http://127.0.0.1:1/", events, secretEnv: null, createdAt: s.app.clock.now().toISOString(), createdBy: "local" });
    both = await add("both", ["workflow.behind", "workflow.stale"]);
    staleOnly = await add("stale", ["workflow.stale"]);
  });
  afterAll(() => s.cleanup());

  const bodies = async (h: WebhookRecord) => (await s.app.webhooks.deliveries(h.id, 100)).reverse().map((d) => ({ event: d.event, body: JSON.parse(d.body) }));

  test("one run: one event per workflow behind or stale, to the webhooks subscribed to it", async () => {
    const job = new ComplianceJob(s.app, { intervalMs: 0, firstDelayMs: 0, staleDays: 7 });
    expect(await job.runOnce()).toBe(3);
    const got = await bodies(both);
    expect(got.map((d) => [d.event, d.body.workflow])).toEqual([
      ["workflow.stale", "nightly"],
      ["workflow.behind", "docs"],
    ]);
    const behind = got[1]!.body;
    expect(behind).toMatchObject({ type: "workflow.behind", organization: "default", project: "skynet", workflow: "docs", path: "/workflows/skynet/docs" });
    expect(behind.contract).toEqual({ name: "docs", revision: 2 });
    expect(behind.run.state).toBe("succeeded");
    expect(behind.id).toBe((await s.app.webhooks.deliveries(both.id, 1))[0]!.id);
    expect((await bodies(staleOnly)).map((d) => d.body.workflow)).toEqual(["nightly"]);
  });

  test("every run reports them again (once per run, not once ever)", async () => {
    const job = new ComplianceJob(s.app, { intervalMs: 0, firstDelayMs: 0, staleDays: 7 });
    expect(await job.runOnce()).toBe(3);
    expect((await bodies(both))).toHaveLength(4);
  });

  test("start: runs after the first delay and wakes the worker; stop cancels the next run", async () => {
    let woken = 0;
    const job = new ComplianceJob(s.app, { intervalMs: 3_600_000, firstDelayMs: 20, staleDays: 7, onEnqueued: () => void woken++ });
    job.start();
    const before = (await bodies(both)).length;
    while (woken === 0) await Bun.sleep(10);
    await job.stop();
    expect((await bodies(both)).length).toBe(before + 2);
  });
});
