import { afterAll, describe, expect, test } from "bun:test";
import { testStore } from "../control/runs.testutil.ts";
import { enqueueEvent, eventBody, eventPath } from "./events.ts";
import { addWebhook, listDeliveries } from "./registry.ts";

const NOW = "2026-01-02T03:04:05.000Z";

describe("eventBody", () => {
  test("every key in the fixed order: id, type, organization, project, workflow, run, contract, digests, path, time", () => {
    const body = eventBody("d-1", "attestation.pushed", {
      digests: { provenance: "sha256:p", attestation: "sha256:a" },
      run: { policyStatus: "passed", state: "succeeded", id: "r-1" },
      workflow: "build",
      project: "skynet",
      organization: "acme",
      contract: { createdBy: "local", previousRevision: 1, revision: 2, name: "c" },
    }, NOW);
    expect(body).toBe(
      '{"id":"d-1","type":"attestation.pushed","organization":"acme","project":"skynet","workflow":"build",' +
        '"run":{"id":"r-1","state":"succeeded","policyStatus":"passed"},"contract":{"name":"c","revision":2,"previousRevision":1,"createdBy":"local"},' +
        '"digests":{"attestation":"sha256:a","provenance":"sha256:p"},"path":"/runs/r-1","time":"2026-01-02T03:04:05.000Z"}',
    );
  });

  test("absent parts are left out; a contract's first revision keeps previousRevision null", () => {
    expect(JSON.parse(eventBody("d", "contract.revised", { organization: "acme", contract: { name: "c", revision: 1, previousRevision: null, createdBy: null } }, NOW))).toEqual({
      id: "d",
      type: "contract.revised",
      organization: "acme",
      contract: { name: "c", revision: 1, previousRevision: null },
      path: "/contracts/c",
      time: NOW,
    });
    expect(eventBody("d", "run.failed", { organization: "acme", run: { id: "r", state: "failed", policyStatus: null }, digests: {} }, NOW)).toBe(
      '{"id":"d","type":"run.failed","organization":"acme","run":{"id":"r","state":"failed"},"path":"/runs/r","time":"2026-01-02T03:04:05.000Z"}',
    );
  });

  test("the path is the web view's page: a run's, else a contract's, else a workflow's; a given path wins", () => {
    expect(eventPath({ organization: "o", project: "p", workflow: "w" })).toBe("/workflows/p/w");
    expect(eventPath({ organization: "o", project: "p", workflow: "w", run: { id: "r", state: "blocked" } })).toBe("/runs/r");
    expect(eventPath({ organization: "o", contract: { name: "c", revision: 3 } })).toBe("/contracts/c");
    expect(eventPath({ organization: "o", project: "p", workflow: "w", path: "/x" })).toBe("/x");
    expect(eventPath({ organization: "o" })).toBeUndefined();
  });
});

describe("enqueueEvent", async () => {
  const s = await testStore();
  afterAll(() => s.cleanup());

  test("without a subscribed webhook nothing is enqueued and lazy fields are never computed", async () => {
    const org = await s.app.repo.ensureOrg("default", NOW);
    let computed = 0;
    expect(await enqueueEvent(s.app, org.id, "workflow.stale", async () => (computed++, { organization: "default" }))).toBe(0);
    expect(computed).toBe(0);
  });

  test("one delivery per subscribed webhook, each body carrying its own delivery id; fields computed once", async () => {
    await addWebhook(s.app, { name: "a", url: "http://127.0.0.1:9/a", events: ["workflow.behind"] });
    await addWebhook(s.app, { name: "b", url: "http://127.0.0.1:9/b" });
    await addWebhook(s.app, { name: "c", url: "http://127.0.0.1:9/c", events: ["run.failed"] });
    const org = (await s.app.repo.findOrg("default"))!;
    let computed = 0;
    const fields = async () => (computed++, { organization: "default", project: "p", workflow: "w" });
    expect(await enqueueEvent(s.app, org.id, "workflow.behind", fields)).toBe(2);
    expect(computed).toBe(1);
    for (const name of ["a", "b"]) {
      const [d, ...rest] = (await listDeliveries(s.app, { name })).items;
      expect(rest).toEqual([]);
      const stored = (await s.app.webhooks.deliveries((await s.app.webhooks.find(org.id, name))!.id, 1))[0]!;
      expect(JSON.parse(stored.body)).toEqual({ id: d!.id, type: "workflow.behind", organization: "default", project: "p", workflow: "w", path: "/workflows/p/w", time: s.app.clock.now().toISOString() });
    }
    expect((await listDeliveries(s.app, { name: "c" })).items).toEqual([]);
  });
});
