// What an attestor may do at init (and what not), token roles through the API, the audit route: in process.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { apiFixture, type Api } from "../api.testutil.ts";

let api: Api;
beforeAll(async () => {
  api = await apiFixture();
});
afterAll(() => api.cleanup());

const observations = { runner: { type: "RUNNER_TYPE_UNSPECIFIED" }, env: {} };
const contract = (name: string, material: string) => `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: ${name}\nspec:\n  materials:\n    - {name: ${material}, type: STRING}\n`;
const init = (token: string, body: Record<string, unknown>) => api.req("POST", "/api/v1/attestations/init", { token, body: { observations, ...body } });
const preview = (token: string, body: Record<string, unknown>) => api.req("POST", "/api/v1/attestations/preview", { token, body });
const revisions = async (name: string) => (await api.req("GET", `/api/v1/contracts/${name}`)).body.latestRevision;

describe("an attestor at init", () => {
  test("may use the contract in force, or a file equal to it; a file that differs is 403 naming the contract and the fix", async () => {
    const p1 = api.tokens.p1;
    const inForce = (await api.req("GET", "/api/v1/contracts/p1-build")).body;
    expect((await init(p1, { workflow: "build", project: "p1" })).status).toBe(201);
    expect((await init(p1, { workflow: "build", project: "p1", contractText: inForce.body })).status).toBe(201);
    for (const call of [init, preview]) {
      const r = await call(p1, { workflow: "build", project: "p1", contractText: contract("p1-build", "weak") });
      expect([r.status, r.body.error.code]).toEqual([403, "FORBIDDEN"]);
      expect(r.body.error.message).toBe(`contract p1-build is at revision ${inForce.latestRevision}, and the --contract file differs from it: an attestor token cannot change a contract`);
      expect(r.body.error.hint).toContain("cairn workflow contract update --name p1-build -f FILE");
    }
    expect(await revisions("p1-build")).toBe(inForce.latestRevision);
    // a maintainer's init may add the revision (what `workflow contract update` would do)
    expect((await init(api.tokens.maintainer, { workflow: "build", project: "p1", contractText: contract("p1-build", "strong") })).status).toBe(201);
    expect(await revisions("p1-build")).toBe(inForce.latestRevision + 1);
  });

  test("a new workflow: created implicitly (marked so) while the organization allows it; a brand-new contract is its first revision", async () => {
    const r = await init(api.tokens.p1, { workflow: "lint", project: "p1", contractText: contract("p1-lint", "report") });
    expect(r.status).toBe(201);
    const wf = (await api.req("GET", "/api/v1/workflows/p1/lint")).body;
    expect([wf.implicit, wf.createdBy, wf.contractName]).toEqual([true, "token:p1", "p1-lint"]);
    expect((await api.req("GET", "/api/v1/contracts/p1-lint")).body.revisions.map((x: { createdBy: string }) => x.createdBy)).toEqual(["token:p1"]);
    // an existing contract of another name is still not the attestor's to change
    const shared = await init(api.tokens.p1, { workflow: "fmt", project: "p1", contractText: contract("p1-test", "other") });
    expect([shared.status, shared.body.error.code]).toEqual([403, "FORBIDDEN"]);
    expect((await api.req("GET", "/api/v1/workflows/p1/fmt")).status).toBe(404);
  });

  test("with implicit workflows off (an admin's setting), only existing workflows are attested; maintainers still create", async () => {
    const off = await api.req("PATCH", "/api/v1/orgs/default", { body: { implicitWorkflows: false } });
    expect([off.status, off.body]).toEqual([200, { name: "default", implicitWorkflows: false }]);
    expect((await api.req("PATCH", "/api/v1/orgs/default", { token: api.tokens.maintainer, body: { implicitWorkflows: true } })).status).toBe(403);
    expect((await api.req("PATCH", "/api/v1/orgs/other", { body: { implicitWorkflows: true } })).status).toBe(404);
    for (const call of [init, preview]) {
      const r = await call(api.tokens.p1, { workflow: "new", project: "p1" });
      expect([r.status, r.body.error.code, r.body.error.message]).toEqual([403, "FORBIDDEN", "workflow p1/new does not exist, and organization default does not let attestors create workflows"]);
    }
    expect((await init(api.tokens.p1, { workflow: "build", project: "p1" })).status).toBe(201);
    expect((await init(api.tokens.maintainer, { workflow: "new", project: "p1" })).status).toBe(201);
    expect((await api.req("GET", "/api/v1/workflows/p1/new")).body.implicit).toBe(false);
    expect((await api.req("PATCH", "/api/v1/orgs/default", { body: { implicitWorkflows: true } })).body.implicitWorkflows).toBe(true);
    expect((await api.req("PATCH", "/api/v1/orgs/default", { body: {} })).status).toBe(400);
  });
});

describe("token roles through the API", () => {
  const tokenNames = async () => ((await api.req("GET", "/api/v1/tokens?status=all&limit=1000")).body.items as { name: string }[]).map((t) => t.name).sort();

  test("an unknown role, or a role its scope cannot hold, is 400 naming the field; nothing is made", async () => {
    const before = await tokenNames();
    const bad = await api.req("POST", "/api/v1/tokens", { body: { name: "x", role: "root" } });
    expect([bad.status, bad.body.error.message]).toEqual([400, '--role "root" is not a role']);
    const scoped = await api.req("POST", "/api/v1/tokens", { body: { name: "x", role: "admin", project: "p1", workflow: "build" } });
    expect([scoped.status, scoped.body.error.message]).toEqual([400, "--role admin cannot be combined with --workflow: admins act on the whole organization (its contracts are shared by every project)"]);
    expect((await api.req("POST", "/api/v1/tokens", { body: { name: "x", role: 7 } })).status).toBe(400);
    expect(await tokenNames()).toEqual(before);
  });

  test("no token raises its own role: only admins mint tokens; whoami says the role", async () => {
    const before = await tokenNames();
    for (const token of [api.tokens.maintainer, api.tokens.attestor, api.tokens.viewer]) {
      const r = await api.req("POST", "/api/v1/tokens", { token, body: { name: "escalate", role: "admin" } });
      expect([r.status, r.body.error.code]).toEqual([403, "FORBIDDEN"]);
    }
    expect((await api.req("POST", "/api/v1/tokens", { token: api.tokens.p1, body: { name: "escalate", role: "admin" } })).status).toBe(404);
    expect(await tokenNames()).toEqual(before);
    const made = await api.req("POST", "/api/v1/tokens", { body: { name: "ro", role: "viewer", project: "p1" } });
    expect([made.status, made.body.role, made.body.createdBy]).toEqual([201, "viewer", "token:ci"]);
    expect((await api.req("GET", "/api/v1/whoami", { token: made.body.token })).body).toMatchObject({ role: "viewer", scope: { project: "p1", workflow: null } });
    expect((await api.req("GET", "/api/v1/whoami", { token: api.tokens.p1 })).body.role).toBe("attestor");
  });
});

describe("GET /api/v1/audit", () => {
  test("filters by actor, action, outcome and time; pages newest first; refusals name the token", async () => {
    await api.req("DELETE", "/api/v1/workflows/p1/build", { token: api.tokens.p1 }); // refused: FORBIDDEN
    const refused = await api.req("GET", "/api/v1/audit?actor=p1&outcome=refused&action=workflow.*", { token: api.tokens.maintainer });
    expect(refused.body.items[0]).toMatchObject({ actor: "token:p1", role: "attestor", action: "workflow.delete", target: "workflow p1/build", outcome: "refused: FORBIDDEN", status: 403 });
    const first = await api.req("GET", "/api/v1/audit?limit=2", { token: api.tokens.maintainer });
    expect(first.body.items).toHaveLength(2);
    const second = await api.req("GET", `/api/v1/audit?limit=2&next=${first.body.next}`, { token: api.tokens.maintainer });
    expect(second.body.items[0].id).toBeLessThan(first.body.items[1].id);
    expect((await api.req("GET", "/api/v1/audit?since=1h", { token: api.tokens.maintainer })).body.items.length).toBeGreaterThan(0);
    expect((await api.req("GET", "/api/v1/audit?since=2999-01-01", { token: api.tokens.maintainer })).body.items).toEqual([]);
    for (const q of ["since=soon", "outcome=maybe", "action=DROP TABLE", "next=abc"]) {
      expect([q, (await api.req("GET", `/api/v1/audit?${q}`, { token: api.tokens.maintainer })).status]).toEqual([q, 400]);
    }
    expect((await api.req("GET", "/api/v1/audit", { token: api.tokens.other })).body.items.every((e: { actor: string }) => e.actor === "token:o")).toBe(true);
  });
});
