import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createToken } from "../../services/control/tokens.ts";
import { testStore } from "../../services/control/runs.testutil.ts";
import { currentOrgId } from "../../services/control/runs.ts";
import { serveWeb } from "./context.testutil.ts";
import { webHandler } from "./index.ts";

describe("GET /webhooks", async () => {
  const s = await testStore();
  let maintainer: string;
  let attestor: string;
  const as = (token: string, path: string) => serveWeb(webHandler, s.app, new Request(`http://127.0.0.1:8080${path}`, { headers: { cookie: `cairn_session=${token}` } }));
  beforeAll(async () => {
    maintainer = (await createToken(s.app, { name: "ops", role: "maintainer" })).token;
    attestor = (await createToken(s.app, { name: "ci" })).token;
    const now = s.app.clock.now().toISOString();
    const orgId = (await currentOrgId(s.app))!;
    const add = async (name: string, secretEnv: string | null, event: "run.blocked" | "run.failed") =>
      await s.app.webhooks.add({ orgId, name, url: `https://hooks.example/${name}`, events: [event], secretEnv, createdAt: now, createdBy: "local" });
    const alerts = await add("alerts", "HOOK_SECRET", "run.blocked");
    await add("quiet", null, "run.failed");
    for (let i = 0; i < 3; i++) await s.app.webhooks.enqueue({ orgId, event: "run.blocked", now, body: (id) => JSON.stringify({ id }) });
    const [third, second, first] = await s.app.webhooks.deliveries(alerts.id, 3);
    await s.app.webhooks.markDelivered(first!.id, now, 204);
    await s.app.webhooks.markFailed(second!.id, now, 500, "HTTP 500: <script>alert(1)</script> (gave up after 8 attempts)");
    await s.app.webhooks.markRetry(third!.id, now, null, "request failed: ConnectionRefused");
  });
  afterAll(() => s.cleanup());

  test("lists each webhook with its deliveries' state, attempts and last error (escaped)", async () => {
    const res = await as(maintainer, "/webhooks");
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain(`data-webhook="alerts"`);
    expect(body).toContain(`data-webhook="quiet"`);
    expect(body).toContain("signed with <code>HOOK_SECRET</code>");
    const alerts = body.slice(body.indexOf(`data-webhook="alerts"`), body.indexOf(`data-webhook="quiet"`));
    expect([...alerts.matchAll(/data-state="(\w+)"/g)].map((m) => m[1])).toEqual(["pending", "failed", "delivered"]); // newest first
    expect(body).toContain("HTTP 500: &lt;script&gt;alert(1)&lt;/script&gt; (gave up after 8 attempts)");
    expect(body).not.toContain("<script>alert");
    expect(body).toContain("request failed: ConnectionRefused");
    expect(body).toContain(`<a href="/webhooks">Webhooks</a>`);
  });

  test("?name= shows one webhook", async () => {
    const body = await (await as(maintainer, "/webhooks?name=quiet")).text();
    expect(body).toContain(`data-webhook="quiet"`);
    expect(body).not.toContain(`data-webhook="alerts"`);
    expect(body).toContain("No deliveries yet.");
  });

  test("a maintainer's page: an attestor gets 403", async () => {
    const res = await as(attestor, "/webhooks");
    expect([res.status, await res.text()]).toEqual([403, expect.stringContaining("the webhooks needs the maintainer role")]);
  });
});
