// The remote crafting routes in process: init (preview, scope), state (ETag/If-Match), reset. (Push dropping the state: src/remote/http-state.test.ts.)
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { apiFixture, type Api } from "../api.testutil.ts";

let api: Api;
beforeAll(async () => {
  api = await apiFixture();
});
afterAll(() => api.cleanup());

const observations = { runner: { type: "GITHUB_ACTION", url: "https://ci/run/1" }, env: { GITHUB_RUN_ID: "1" } };
const init = (body: Record<string, unknown>, token?: string) =>
  api.req("POST", "/api/v1/attestations/init", { token, body: { workflow: "build", project: "p1", observations, remoteState: true, ...body } });

async function started(token?: string): Promise<string> {
  const r = await init({}, token);
  expect(r.status).toBe(201);
  return r.body.state.attestationId;
}

describe("POST /api/v1/attestations/init and /preview", () => {
  test("records the run with what the CI machine observed and keeps the state at version 1", async () => {
    const r = await init({});
    expect([r.status, r.headers.get("etag"), r.body.stateVersion]).toEqual([201, '"1"', 1]);
    const st = r.body.state;
    expect(st.runner).toEqual(observations.runner);
    expect(st.env).toEqual(observations.env);
    expect(st.workflow).toMatchObject({ name: "build", project: "p1", organization: "default", runId: st.attestationId });
    expect((await api.req("GET", `/api/v1/runs/${st.attestationId}`)).body.run).toMatchObject({ state: "initialized", runnerType: "GITHUB_ACTION" });
    expect((await api.req("GET", `/api/v1/attestations/${st.attestationId}/state`)).body).toEqual(st);
  });

  test("the contract's rules are checked against the observations; contract text is registered, never read from disk", async () => {
    const text = "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: p1-gated\nspec:\n  runner: { type: GITLAB_PIPELINE }\n  envAllowList: [TEAM]\n";
    const preview = await api.req("POST", "/api/v1/attestations/preview", { body: { workflow: "build", project: "p1", contractName: "p1-build" } });
    expect([preview.status, preview.body.contract.name]).toEqual([200, "p1-build"]);
    const gated = (body: Record<string, unknown>) => init({ workflow: "gated", ...body });
    expect((await gated({ contractText: text })).body.error.code).toBe("RUNNER_MISMATCH");
    const gitlab = { runner: { type: "GITLAB_PIPELINE" }, env: {} };
    expect((await gated({ contractText: text, observations: gitlab })).body.error).toMatchObject({ code: "ENV_MISSING", details: { missing: ["TEAM"] } });
    const ok = await gated({ contractText: text, observations: { ...gitlab, env: { TEAM: "a" } } });
    expect([ok.status, ok.body.state.workflow.contractName, ok.body.state.env]).toEqual([201, "p1-gated", { TEAM: "a" }]);
    expect((await gated({ observations: gitlab })).body.error.code).toBe("ENV_MISSING"); // the stored contract now
    expect((await init({ contractName: "/etc/passwd" })).status).toBe(400);
    expect((await init({ dryRun: true })).status).toBe(400); // --remote-state needs a run
    expect((await init({ observations: { runner: { type: "NOPE" }, env: {} } })).status).toBe(400);
    expect((await init({ extra: 1 })).status).toBe(400);
  });

  test("--replace cancels the replaced run in the same transaction", async () => {
    const old = await started();
    const r = await init({ remoteState: false, replaceRunId: old });
    expect(r.headers.get("etag")).toBeNull();
    expect((await api.req("GET", `/api/v1/runs/${old}`)).body.run).toMatchObject({ state: "cancelled" });
  });
});

describe("authorization", () => {
  test("no token is 401 on every crafting route", async () => {
    const id = await started();
    for (const [method, path] of [
      ["POST", "/api/v1/attestations/preview"],
      ["POST", "/api/v1/attestations/init"],
      ["GET", `/api/v1/attestations/${id}/state`],
      ["PUT", `/api/v1/attestations/${id}/state`],
      ["DELETE", `/api/v1/attestations/${id}/state`],
      ["DELETE", `/api/v1/attestations/${id}`],
    ]) {
      expect([method, path, (await api.req(method!, path!, { token: null, body: method === "GET" ? undefined : {} })).status]).toEqual([method, path, 401]);
    }
  });

  test("a workflow token crafts only its workflow, a project token only its project; out of scope is 404", async () => {
    expect((await init({}, api.tokens.p1build)).status).toBe(201);
    expect((await init({ workflow: "test" }, api.tokens.p1build)).status).toBe(404);
    expect((await init({ workflow: "fresh" }, api.tokens.p1)).status).toBe(201); // a project token may create workflows there
    const p2 = await init({}, api.tokens.p2);
    const nowhere = await init({ project: "nope" }, api.tokens.p2);
    expect([p2.status, p2.text.replace("p1", "nope")]).toEqual([404, nowhere.text]); // the same answer, existing or not
    expect((await init({ project: "p2", workflow: "deploy", contractName: "p1-build" }, api.tokens.p2)).status).toBe(404);
    expect((await api.req("POST", "/api/v1/attestations/preview", { token: api.tokens.p2, body: { workflow: "build", project: "p1" } })).status).toBe(404);
  });

  test("another organization's or another scope's state and run are 404, byte for byte as unknown ones", async () => {
    const id = await started();
    const unknown = crypto.randomUUID();
    for (const token of [api.tokens.other, api.tokens.p2]) {
      const get = await api.req("GET", `/api/v1/attestations/${id}/state`, { token });
      const none = await api.req("GET", `/api/v1/attestations/${unknown}/state`, { token });
      expect([get.status, get.text.replace(id, unknown)]).toEqual([404, none.text]);
      expect((await api.req("PUT", `/api/v1/attestations/${id}/state`, { token, raw: "{}", headers: { "If-Match": '"1"' } })).status).toBe(404);
      expect((await api.req("DELETE", `/api/v1/attestations/${id}/state`, { token })).status).toBe(404);
      expect((await api.req("DELETE", `/api/v1/attestations/${id}`, { token })).status).toBe(404);
    }
    expect((await api.req("GET", `/api/v1/attestations/${id}/state`, { token: api.tokens.p1build })).status).toBe(200);
    expect((await api.req("GET", `/api/v1/runs/${id}`)).body.run.state).toBe("initialized");
  });
});

describe("reset", () => {
  test("DELETE /api/v1/attestations/{id} closes the run and removes the state", async () => {
    const id = await started();
    const r = await api.req("DELETE", `/api/v1/attestations/${id}?trigger=cancellation&reason=aborted`);
    expect([r.status, r.body]).toEqual([200, { runId: id, state: "cancelled" }]);
    expect((await api.req("GET", `/api/v1/runs/${id}`)).body.run).toMatchObject({ state: "cancelled", reason: "aborted" });
    expect((await api.req("GET", `/api/v1/attestations/${id}/state`)).status).toBe(404);
    expect((await api.req("DELETE", `/api/v1/attestations/${id}/state`)).status).toBe(204); // idempotent for a visible run
    expect((await api.req("DELETE", `/api/v1/attestations/${id}?trigger=nope`)).status).toBe(400);
  });
});
