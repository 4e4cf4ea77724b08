// /api/v1/webhooks in process: validated on the server (its DNS, its environment), maintainers and up, audited.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { listAudit } from "../../services/control/audit.ts";
import { apiFixture, type Api } from "../api.testutil.ts";

let api: Api;
beforeAll(async () => {
  api = await apiFixture();
});
afterAll(() => api.cleanup());

const add = (body: unknown, token?: string) => api.req("POST", "/api/v1/webhooks", { body, token: token ?? api.tokens.maintainer });
const names = async () => (await api.req("GET", "/api/v1/webhooks", { token: api.tokens.maintainer })).body.items.map((w: { name: string }) => w.name);

describe("/api/v1/webhooks", () => {
  test("a maintainer adds, lists and removes; created by its token; the secret variable must be set on the server", async () => {
    const missing = await add({ name: "ci", url: "https://localhost/hook", secretEnv: "CAIRN_WEBHOOK_CI" });
    expect([missing.status, missing.body.error.code, missing.body.error.message]).toEqual([
      400,
      "USAGE",
      "--secret-env CAIRN_WEBHOOK_CI: the variable is not set (or is empty) in the environment of the cairn serve server (which signs the deliveries)",
    ]);
    api.s.app.config.env.CAIRN_WEBHOOK_CI = "s3cr3t"; // the server's environment
    const r = await add({ name: "ci", url: "https://localhost/hook", events: ["run.failed", "attestation.pushed"], secretEnv: "CAIRN_WEBHOOK_CI" });
    expect([r.status, r.body]).toEqual([201, { name: "ci", url: "https://localhost/hook", events: ["run.failed", "attestation.pushed"], secretEnv: "CAIRN_WEBHOOK_CI", createdAt: expect.any(String), createdBy: "token:secops", removedAt: null }]);
    expect(r.text).not.toContain("s3cr3t");
    expect(await names()).toEqual(["ci"]);
    const dup = await add({ name: "ci", url: "https://localhost/other" });
    expect([dup.status, dup.body.error.code]).toEqual([409, "ALREADY_EXISTS"]);
  });

  test("http off loopback is stored with a Cairn-Warning; bad fields are refused and nothing is stored", async () => {
    const plain = await add({ name: "gap", url: "http://10.0.0.1/hook" });
    expect(plain.status).toBe(201);
    expect(decodeURIComponent(plain.headers.get("Cairn-Warning")!)).toContain("plain http");
    for (const [body, status, code] of [
      [{ name: "x", url: "ftp://localhost/" }, 400, "USAGE"],
      [{ name: "x", url: "https://u:p@localhost/" }, 400, "USAGE"],
      [{ name: "x", url: "https://no-such-host.invalid/" }, 404, "NOT_FOUND"],
      [{ name: "x", url: "https://localhost/", events: ["nope"] }, 400, "USAGE"],
      [{ name: "x", url: "https://localhost/", events: "run.failed" }, 400, "USAGE"],
      [{ name: "x", url: "https://localhost/", secret: "s3cr3t" }, 400, "USAGE"],
      [{ name: "x" }, 400, "USAGE"],
    ] as const) {
      const r = await add(body);
      expect([JSON.stringify(body), r.status, r.body.error.code]).toEqual([JSON.stringify(body), status, code]);
    }
    expect(await names()).toEqual(["ci", "gap"]);
  });

  test("deliveries (none yet), an unknown webhook 404; remove", async () => {
    const p = await api.req("GET", "/api/v1/webhooks/ci/deliveries?limit=1", { token: api.tokens.maintainer });
    expect([p.status, p.body.items]).toEqual([200, []]);
    const missing = await api.req("GET", "/api/v1/webhooks/nope/deliveries", { token: api.tokens.maintainer });
    expect([missing.status, missing.body.error.code]).toEqual([404, "NOT_FOUND"]);
    const gone = await api.req("DELETE", "/api/v1/webhooks/gap", { token: api.tokens.maintainer });
    expect([gone.status, gone.body.name, typeof gone.body.removedAt]).toEqual([200, "gap", "string"]);
    expect(await names()).toEqual(["ci"]);
  });

  test("roles: viewers and attestors 403; scoped tokens the organization route's 404; another organization sees its own", async () => {
    for (const t of ["viewer", "attestor"] as const) expect((await api.req("GET", "/api/v1/webhooks", { token: api.tokens[t] })).status).toBe(403);
    const refused = await add({ name: "sneaky", url: "https://localhost/" }, api.tokens.attestor);
    expect([refused.status, refused.body.error.details]).toEqual([403, { needed: "maintainer", role: "attestor" }]);
    for (const t of ["p1", "p1build", "p1viewer"] as const) expect((await api.req("GET", "/api/v1/webhooks", { token: api.tokens[t] })).status).toBe(404);
    expect((await api.req("DELETE", "/api/v1/webhooks/ci", { token: api.tokens.p1 })).status).toBe(404);
    const other = await api.req("GET", "/api/v1/webhooks", { token: api.tokens.other });
    expect([other.status, other.body.items]).toEqual([200, []]);
    expect((await api.req("DELETE", "/api/v1/webhooks/ci", { token: api.tokens.other })).status).toBe(404);
    expect(await names()).toEqual(["ci"]);
  });

  test("add and remove are audited with the webhook named; a refused read too", async () => {
    const rows = (await listAudit(api.s.app, { limit: 1000 })).items.filter((a) => a.action.startsWith("webhook."));
    const seen = rows.map((a) => `${a.action} ${a.outcome} ${a.target ?? ""}`.trim());
    expect(seen).toContain("webhook.add ok webhook ci");
    expect(seen).toContain("webhook.add refused: ALREADY_EXISTS webhook ci");
    expect(seen).toContain("webhook.add refused: NOT_FOUND webhook x");
    expect(seen).toContain("webhook.remove ok webhook gap");
    expect(seen).toContain("webhook.add refused: FORBIDDEN"); // refused before the body is read
    expect(seen.filter((x) => x === "webhook.list refused: FORBIDDEN")).toHaveLength(2);
    expect(seen.some((x) => x.startsWith("webhook.list ok") || x.startsWith("webhook.deliveries ok"))).toBe(false);
  });
});
