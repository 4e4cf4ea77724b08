import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { apiFixture, type Api } from "../api.testutil.ts";

let api: Api;
beforeAll(async () => {
  api = await apiFixture();
});
afterAll(() => api.cleanup());

const text = (name: string, expr = "[]") => `apiVersion: cairn.dev/v1\nkind: Policy\nmetadata: {name: ${name}}\nspec:\n  rules: [{name: r, kinds: [ARTIFACT], violations: "${expr}"}]\n`;

describe("/api/v1/policies", () => {
  test("add, list, describe; revisions only on change; org-level tokens add, every token of the organization reads", async () => {
    const first = await api.req("POST", "/api/v1/policies", { body: { text: text("srv-pol") } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: "srv-pol", revision: 1, created: true });
    expect((await api.req("POST", "/api/v1/policies", { body: { name: "srv-pol", text: text("srv-pol") } })).body).toMatchObject({ revision: 1, created: false });
    expect((await api.req("POST", "/api/v1/policies", { body: { text: text("srv-pol", "['v2']") } })).status).toBe(201);
    expect((await api.req("POST", "/api/v1/policies", { token: api.tokens.p1, body: { text: text("scoped") } })).status).toBe(404);

    const list = await api.req("GET", "/api/v1/policies", { token: api.tokens.p1build });
    expect(list.body.items.map((p: { name: string; latestRevision: number }) => [p.name, p.latestRevision])).toEqual([["srv-pol", 2]]);
    const d = await api.req("GET", "/api/v1/policies/srv-pol?revision=1", { token: api.tokens.p1 });
    expect(d.body).toMatchObject({ name: "srv-pol", revision: 1, latestRevision: 2 });
    expect(d.body.source).toBe(text("srv-pol"));
    expect((await api.req("GET", "/api/v1/policies/srv-pol", { token: api.tokens.other })).status).toBe(404);
    expect((await api.req("GET", "/api/v1/policies", { token: api.tokens.other })).body.items).toEqual([]);
  });

  test("a broken policy or a name mismatch is refused, naming the field", async () => {
    const broken = await api.req("POST", "/api/v1/policies", { body: { text: text("bad", "[1 +") } });
    expect([broken.status, broken.body.error.code]).toEqual([422, "POLICY_INVALID"]);
    const mismatch = await api.req("POST", "/api/v1/policies", { body: { name: "other", text: text("bad") } });
    expect([mismatch.status, mismatch.body.error.message]).toEqual([400, "field name other does not match metadata.name bad in request body field text"]);
    expect((await api.req("GET", "/api/v1/policies/bad")).status).toBe(404);
  });
});
