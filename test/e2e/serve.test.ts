// `cairn serve` through the compiled binary: first-start admin token, identical 404s outside a scope (the full
// role × scope matrix, with the 401s, is authz-matrix.test.ts), and the operator view.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { Sandbox } from "./harness.ts";
import { seed, serve, type Seeded, type Served } from "./serve.harness.ts";

const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;
const sb = new Sandbox();
let data: Seeded;
let srv: Served;
let admin = "";

beforeAll(async () => {
  data = await seed(sb);
  srv = await serve(sb);
  admin = /admin token \(.*\): (cairn_\S+)/.exec(srv.stderr())![1]!;
}, 60_000);
afterAll(async () => {
  if (srv.proc.exitCode === null) await srv.stop();
  sb.cleanup();
});

async function call(method: string, path: string, token: string | null, body?: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = token === null ? {} : { Authorization: `Bearer ${token}` };
  const res = await fetch(srv.url + path, { method, headers, body });
  return { status: res.status, text: await res.text() };
}

interface Target {
  project: string;
  workflow: string;
  contract: string;
  run: string;
  att: string;
  blob: string;
  token: string;
}
const ABSENT: Target = { project: "pz", workflow: "wz", contract: "cz", run: "00000000-0000-4000-8000-000000000000", att: sha("none"), blob: sha("no blob"), token: "00000000-0000-4000-8000-00000000000f" };

/** Every route of docs/api.md, aimed at target t (path parameters and bodies). */
function routes(t: Target): [string, string, string?][] {
  const j = JSON.stringify;
  return [
    ["GET", "/api/v1/workflows"],
    ["POST", "/api/v1/workflows", j({ name: "fresh", project: t.project })],
    ["GET", `/api/v1/workflows/${t.project}/${t.workflow}`],
    ["PATCH", `/api/v1/workflows/${t.project}/${t.workflow}`, j({ description: "hijacked" })],
    ["DELETE", `/api/v1/workflows/${t.project}/${t.workflow}`],
    ["GET", "/api/v1/contracts"],
    ["POST", "/api/v1/contracts", j({ name: "fresh" })],
    ["GET", `/api/v1/contracts/${t.contract}`],
    ["PATCH", `/api/v1/contracts/${t.contract}`, j({ description: "hijacked" })],
    ["DELETE", `/api/v1/contracts/${t.contract}`],
    ["POST", "/api/v1/apply", "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: applied\nspec: {}\n"],
    ["GET", "/api/v1/runs"],
    ["GET", `/api/v1/runs/${t.run}`],
    ["GET", `/api/v1/runs/by-digest/${t.att}`],
    ["GET", `/api/v1/runs/${t.run}/attestation`],
    ["GET", `/api/v1/discover/${t.att}`],
    ["GET", "/api/v1/tokens"],
    ["POST", "/api/v1/tokens", j({ name: "fresh" })],
    ["DELETE", `/api/v1/tokens/${t.token}`],
    ["GET", "/api/v1/orgs"],
    ["POST", "/api/v1/orgs", j({ name: "fresh" })],
    ["GET", "/api/v1/whoami"],
    ["POST", "/api/v1/blobs", "uploaded\n"],
    ["GET", `/api/v1/blobs/${t.blob}`],
    ["GET", "/api/v1/keys"],
    ["POST", "/api/v1/keys", j({ name: "fresh", publicKey: "not a key" })],
    ["DELETE", "/api/v1/keys/fresh"],
    ["POST", "/api/v1/attestations", "{}"],
    ["POST", "/api/v1/attestations/preview", j({ workflow: t.workflow, project: t.project })],
    ["POST", "/api/v1/attestations/init", j({ workflow: t.workflow, project: t.project, observations: { runner: { type: "RUNNER_TYPE_UNSPECIFIED" }, env: {} } })],
    ["GET", `/api/v1/attestations/${t.run}/state`],
    ["DELETE", `/api/v1/attestations/${t.run}/state`],
    ["DELETE", `/api/v1/attestations/${t.run}`],
  ];
}

const p1build = (): Target => ({ project: "p1", workflow: "build", contract: "p1-build", run: data.runs.p1build.runId, att: data.runs.p1build.digest, blob: sha("p1 only\n"), token: data.tokenIds.org! });
const p1test = (): Target => ({ project: "p1", workflow: "test", contract: "p1-test", run: data.runs.p1test.runId, att: data.runs.p1test.digest, blob: sha("p1 test\n"), token: data.tokenIds.org! });

/** What the owner sees is untouched by everything the matrix tried. */
async function unchanged(): Promise<void> {
  const t = data.tokens.org;
  expect(JSON.parse((await call("GET", "/api/v1/workflows/p1/build", t)).text).description).toBeNull();
  expect(JSON.parse((await call("GET", "/api/v1/contracts", t)).text).items.map((c: { name: string }) => c.name)).toEqual(["p1-build", "p1-test", "p2-deploy"]);
  expect((await call("GET", "/api/v1/whoami", t)).status).toBe(200);
  expect(JSON.parse((await call("GET", "/api/v1/orgs", admin)).text).items.map((o: { name: string }) => o.name)).toEqual(["default", "other"]);
}

describe("cairn serve (compiled binary)", () => {
  test("first start prints an admin token once; it works and is an admin; later starts do not print one", async () => {
    expect(admin).toMatch(/^cairn_[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse((await call("GET", "/api/v1/whoami", admin)).text)).toMatchObject({ organization: "default", admin: true });
    const second = await serve(sb);
    expect(second.stderr()).toContain("an admin token exists");
    expect(second.stderr()).not.toContain("cairn_");
    expect(await second.stop()).toBe(0);
  }, 20_000);

  test("another organization's token, and scoped tokens outside their scope, get 404s identical to absent things", async () => {
    const cases: [string, string, Target][] = [
      ["other organization", data.tokens.other, p1build()],
      ["project-scoped outside its project", data.tokens.p2, p1build()],
      ["workflow-scoped outside its workflow", data.tokens.p1build, p1test()],
    ];
    const targeted = (r: [string, string, string?]) => r[1].split("/").length > 4 || r[0] === "POST" && r[1] === "/api/v1/workflows";
    for (const [what, token, t] of cases) {
      const real = routes(t);
      const absent = routes(ABSENT);
      for (let i = 0; i < real.length; i++) {
        const [method, path, body] = real[i]!;
        // the other organization may create its own workflow in a project of the same name: not a leak
        if (!targeted(real[i]!) || (what === "other organization" && method === "POST")) continue;
        const yours = await call(method, path, token, body);
        const none = await call(absent[i]![0], absent[i]![1], token, absent[i]![2]);
        let expected = none.text;
        for (const k of Object.keys(ABSENT) as (keyof Target)[]) expected = expected.replaceAll(ABSENT[k], t[k]);
        expect([what, method, path, yours.status]).toEqual([what, method, path, 404]);
        expect(yours.text).toBe(expected);
      }
      // lists: nothing from outside
      const listed = JSON.parse((await call("GET", "/api/v1/runs", token)).text).items.map((r: { id: string }) => r.id);
      expect(listed).not.toContain(t.run);
    }
    await unchanged();
  }, 30_000);

  test("scoped tokens still work inside their scope", async () => {
    expect((await call("GET", `/api/v1/runs/${data.runs.p1build.runId}`, data.tokens.p1build)).status).toBe(200);
    expect((await call("GET", `/api/v1/blobs/${sha("p1 only\n")}`, data.tokens.p1)).text).toBe("p1 only\n");
    expect((await call("GET", `/api/v1/discover/${data.runs.other.digest}`, data.tokens.other)).status).toBe(200);
  });

  test("the operator view is served at /: login with a token, the dashboard lists the workflows", async () => {
    const anon = await fetch(`${srv.url}/`, { redirect: "manual" });
    expect([anon.status, anon.headers.get("location")]).toEqual([303, "/login?next=%2F"]);
    const login = await fetch(`${srv.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: srv.url },
      body: `token=${encodeURIComponent(data.tokens.org)}`,
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(cookie).toStartWith("cairn_session=");
    const dash = await fetch(`${srv.url}/`, { headers: { Cookie: cookie } });
    const html = await dash.text();
    expect(dash.status).toBe(200);
    for (const wf of ["p1", "build", "test", "p2", "deploy"]) expect(html).toContain(wf);
    expect(html).not.toContain("o/job"); // another organization's workflow
    // the cookie is for web pages only; the API still wants the bearer token
    expect((await fetch(`${srv.url}/api/v1/whoami`, { headers: { Cookie: cookie } })).status).toBe(401);
  });
});
