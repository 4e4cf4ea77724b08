import { afterAll, describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { WEBHOOK_EVENTS } from "../../store/webhook-port.ts";
import { testStore } from "../control/runs.testutil.ts";
import type { ServiceDeps } from "../deps.ts";
import { enqueueEvent } from "./events.ts";
import { addWebhook, listDeliveries, listWebhooks, removeWebhook } from "./registry.ts";
import type { Resolver } from "./validate.ts";

const dns: Resolver = async (h) => {
  if (h === "hooks.example") return ["203.0.113.7"];
  throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
};

describe("webhook registry", async () => {
  const s = await testStore({ HOOK_SECRET: "s3cr3t" });
  afterAll(() => s.cleanup());
  const warnings: string[] = [];
  const app: ServiceDeps = { ...s.app, reporter: { warn: (m) => void warnings.push(m) } };
  const names = async () => (await listWebhooks(app)).items.map((w) => w.name);

  test("add: every event by default, created by `local`; the secret's variable name is kept, never its value", async () => {
    const w = await addWebhook(app, { name: "ci", url: "https://hooks.example/cairn", secretEnv: "HOOK_SECRET" }, dns);
    expect(w).toEqual({ name: "ci", url: "https://hooks.example/cairn", events: [...WEBHOOK_EVENTS], secretEnv: "HOOK_SECRET", createdAt: "2025-01-01T00:00:00.000Z", createdBy: "local", removedAt: null });
    expect(JSON.stringify((await listWebhooks(app)))).not.toContain("s3cr3t");
    expect(warnings).toEqual([]);
  });

  test("through cairn serve the token is recorded; http off loopback is stored with a warning", async () => {
    const served = { ...app, actor: { tokenId: "t1", tokenName: "secops", role: "maintainer" as const } };
    const w = await addWebhook(served, { name: "gap", url: "http://hooks.example/in", events: ["run.failed", "run.blocked"] }, dns);
    expect([w.createdBy, w.events]).toEqual(["token:secops", ["run.blocked", "run.failed"]]);
    expect(warnings).toEqual(["--url http://hooks.example/in: deliveries go over plain http (unencrypted); use https unless this network is closed"]);
    expect(await names()).toEqual(["ci", "gap"]);
  });

  test("bad input is refused before anything is stored, each naming the field", async () => {
    const cases: [Parameters<typeof addWebhook>[1], string, string][] = [
      [{ name: "Bad_Name", url: "https://hooks.example/" }, "USAGE", "--name"],
      [{ name: "ci", url: "https://hooks.example/" }, "ALREADY_EXISTS", "--name ci: a webhook of that name is already registered"],
      [{ name: "x", url: "ftp://hooks.example/" }, "USAGE", "ftp is not supported"],
      [{ name: "x", url: "https://u:p@hooks.example/" }, "USAGE", "carries credentials"],
      [{ name: "x", url: "https://no-such-host.invalid/" }, "NOT_FOUND", "the host no-such-host.invalid does not resolve"],
      [{ name: "x", url: "https://hooks.example/", secretEnv: "MISSING_SECRET" }, "USAGE", "--secret-env MISSING_SECRET: the variable is not set"],
      [{ name: "x", url: "https://hooks.example/", events: ["run.failed", "nope"] }, "USAGE", '--events: "nope" is not an event'],
    ];
    for (const [input, code, text] of cases) {
      expect((await expectCode(() => addWebhook(app, input, dns), code as "USAGE")).message).toContain(text);
    }
    expect(await names()).toEqual(["ci", "gap"]);
  });

  test("deliveries: newest first, paged with --next; an unknown webhook or a bad cursor is refused", async () => {
    const org = (await s.app.repo.findOrg("default"))!;
    for (let i = 0; i < 3; i++) {
      await enqueueEvent(app, org.id, "run.failed", { organization: "default", run: { id: `r${i}`, state: "failed" } });
      s.advance(1000);
    }
    const first = await listDeliveries(app, { name: "gap", limit: 2 });
    expect(first.items.map((d) => [d.event, d.state, d.attempts, d.lastStatus, d.lastError, d.deliveredAt])).toEqual([
      ["run.failed", "pending", 0, null, null, null],
      ["run.failed", "pending", 0, null, null, null],
    ]);
    expect(first.items.map((d) => d.createdAt)).toEqual(["2025-01-01T00:00:02.000Z", "2025-01-01T00:00:01.000Z"]);
    const second = await listDeliveries(app, { name: "gap", limit: 2, next: first.next });
    expect([second.items.map((d) => d.createdAt), second.next]).toEqual([["2025-01-01T00:00:00.000Z"], undefined]);
    expect((await listDeliveries(app, { name: "ci" })).items).toHaveLength(3);
    expect((await expectCode(() => listDeliveries(app, { name: "nope" }), "NOT_FOUND")).message).toBe("--name nope: no webhook of that name is registered in organization default");
    await expectCode(() => listDeliveries(app, { name: "gap", next: "bm9wZQ" }), "USAGE");
    await expectCode(() => listDeliveries(app, { name: "gap", limit: 0 }), "USAGE");
  });

  test("remove: gone from the list, its pending deliveries failed, the name free again", async () => {
    const org = (await s.app.repo.findOrg("default"))!;
    const gap = (await s.app.webhooks.find(org.id, "gap"))!;
    const r = await removeWebhook(app, { name: "gap" });
    expect([r.name, r.removedAt]).toEqual(["gap", s.app.clock.now().toISOString()]);
    expect(await names()).toEqual(["ci"]);
    expect((await s.app.webhooks.deliveries(gap.id, 10)).map((d) => [d.state, d.lastError])).toEqual(Array(3).fill(["failed", "webhook removed"]));
    // ci's deliveries are untouched
    expect((await listDeliveries(app, { name: "ci" })).items.map((d) => d.state)).toEqual(["pending", "pending", "pending"]);
    await expectCode(() => listDeliveries(app, { name: "gap" }), "NOT_FOUND");
    await expectCode(() => removeWebhook(app, { name: "gap" }), "NOT_FOUND");
    await addWebhook(app, { name: "gap", url: "https://hooks.example/again" }, dns);
    expect((await listDeliveries(app, { name: "gap" })).items).toEqual([]);
  });
});
