// The authorization matrix, in process: every route × every kind of bad or foreign token, and no leak.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { apiFixture, sha, type Api, type Reply } from "./api.testutil.ts";

let api: Api;
beforeAll(async () => {
  api = await apiFixture();
});
afterAll(() => api.cleanup());

interface Call {
  method: string;
  path: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

/** One call per route of docs/api.md, aimed at the default organization's p1/build. */
async function everyRoute(): Promise<Call[]> {
  const r = api.runs.p1build;
  const blob = sha("p1 only\n");
  return [
    { method: "GET", path: "/api/v1/workflows" },
    { method: "POST", path: "/api/v1/workflows", body: { name: "fresh", project: "p1" } },
    { method: "GET", path: "/api/v1/workflows/p1/build" },
    { method: "PATCH", path: "/api/v1/workflows/p1/build", body: { description: "hijacked" } },
    { method: "DELETE", path: "/api/v1/workflows/p1/build" },
    { method: "GET", path: "/api/v1/contracts" },
    { method: "POST", path: "/api/v1/contracts", body: { name: "fresh" } },
    { method: "GET", path: "/api/v1/contracts/p1-build" },
    { method: "PATCH", path: "/api/v1/contracts/p1-build", body: { description: "hijacked" } },
    { method: "DELETE", path: "/api/v1/contracts/p1-build" },
    { method: "GET", path: "/api/v1/policies" },
    { method: "POST", path: "/api/v1/policies", body: { text: "apiVersion: cairn.dev/v1\nkind: Policy\nmetadata: {name: fresh}\nspec:\n  rules: [{name: r, kinds: [ARTIFACT], violations: '[]'}]\n" } },
    { method: "GET", path: "/api/v1/policies/fresh" },
    { method: "POST", path: "/api/v1/apply", raw: "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: applied\nspec: {}\n" },
    { method: "GET", path: "/api/v1/runs" },
    { method: "GET", path: `/api/v1/runs/${r.runId}` },
    { method: "GET", path: `/api/v1/runs/by-digest/${r.digest}` },
    { method: "GET", path: `/api/v1/runs/${r.runId}/attestation` },
    { method: "GET", path: `/api/v1/discover/${r.digest}` },
    { method: "GET", path: "/api/v1/tokens" },
    { method: "POST", path: "/api/v1/tokens", body: { name: "fresh" } },
    { method: "DELETE", path: `/api/v1/tokens/${(await tokenId("ci"))}` },
    { method: "GET", path: "/api/v1/orgs" },
    { method: "POST", path: "/api/v1/orgs", body: { name: "fresh" } },
    { method: "GET", path: "/api/v1/whoami" },
    { method: "POST", path: "/api/v1/blobs", raw: "uploaded\n" },
    { method: "GET", path: `/api/v1/blobs/${blob}` },
    { method: "POST", path: "/api/v1/attestations", raw: "{}" },
    { method: "GET", path: "/api/v1/keys" },
    { method: "POST", path: "/api/v1/keys", body: { name: "fresh", publicKey: "not a key" } },
    { method: "DELETE", path: "/api/v1/keys/fresh" },
    { method: "GET", path: "/api/v1/webhooks" },
    { method: "POST", path: "/api/v1/webhooks", body: { name: "fresh", url: "http://127.0.0.1:9/hook" } },
    { method: "DELETE", path: "/api/v1/webhooks/fresh" },
    { method: "GET", path: "/api/v1/webhooks/fresh/deliveries" },
    { method: "POST", path: "/api/v1/attestations/preview", body: { workflow: "build", project: "p1" } },
    { method: "POST", path: "/api/v1/attestations/init", body: { workflow: "build", project: "p1" } },
    { method: "GET", path: `/api/v1/attestations/${r.runId}/state` },
    { method: "PUT", path: `/api/v1/attestations/${r.runId}/state`, body: {}, headers: { "If-Match": '"1"' } },
    { method: "DELETE", path: `/api/v1/attestations/${r.runId}/state` },
    { method: "DELETE", path: `/api/v1/attestations/${r.runId}` },
  ];
}

async function tokenId(name: string): Promise<string> {
  const org = (await api.s.app.repo.findOrg("default"))!;
  return (await api.s.app.orgs.listTokens({ orgId: org.id, now: "9999", limit: 100 })).find((t) => t.name === name)!.id;
}

const send = (c: Call, token: string | null, headers?: Record<string, string>) =>
  api.req(c.method, c.path, { token, body: c.body, raw: c.raw, headers: { ...c.headers, ...headers } });

/** Nothing the refused calls aimed at changed. */
async function unchanged(): Promise<void> {
  const org = api.tokens.org;
  expect((await api.req("GET", "/api/v1/workflows/p1/build", { token: org })).body.description).toBeNull();
  expect((await api.req("GET", "/api/v1/contracts/p1-build", { token: org })).body.description).toBeNull();
  expect((await api.req("GET", "/api/v1/whoami", { token: org })).status).toBe(200);
  const names = (await api.req("GET", "/api/v1/contracts", { token: org })).body.items.map((c: { name: string }) => c.name);
  expect(names).toEqual(["p1-build", "p1-test", "p2-deploy"]);
  expect((await api.req("GET", "/api/v1/orgs", { token: api.tokens.admin })).body.items.map((o: { name: string }) => o.name)).toEqual(["default", "other"]);
}

describe("authentication: every route refuses a missing or bad token with 401", () => {
  const bad: [string, () => Record<string, string> | string | null][] = [
    ["no token", () => null],
    ["malformed token", () => "cairn_short"],
    ["unknown token", () => `cairn_${"A".repeat(43)}`],
    ["revoked token", () => api.tokens.revoked],
    ["expired token", () => api.tokens.expired],
    ["not a bearer header", () => ({ Authorization: `Basic ${api.tokens.org}` })],
    ["session cookie instead of a bearer", () => ({ Cookie: `cairn_session=${api.tokens.org}` })],
  ];
  for (const [what, tok] of bad) {
    test(what, async () => {
      for (const c of await everyRoute()) {
        const t = tok();
        const r = typeof t === "object" && t !== null ? await send(c, null, t) : await send(c, t as string | null);
        expect([c.method, c.path, r.status]).toEqual([c.method, c.path, 401]);
        expect(r.body.error.code).toBe("UNAUTHENTICATED");
        expect(r.headers.get("www-authenticate")).toContain("Bearer");
      }
      await unchanged();
    });
  }
});

/** Ids and names of a thing that exists nowhere, to compare "not yours" with "absent". */
const ABSENT = { project: "pz", workflow: "wz", contract: "cz", run: "00000000-0000-4000-8000-000000000000", att: sha("no attestation"), blob: sha("no blob"), token: "00000000-0000-4000-8000-00000000000f" };

interface Target {
  project: string;
  workflow: string;
  contract: string;
  run: string;
  att: string;
  blob: string;
  token: string;
}

function targetedRoutes(t: Target, opts: { create: boolean }): Call[] {
  const calls: Call[] = [
    { method: "GET", path: `/api/v1/workflows/${t.project}/${t.workflow}` },
    { method: "PATCH", path: `/api/v1/workflows/${t.project}/${t.workflow}`, body: { description: "hijacked" } },
    { method: "DELETE", path: `/api/v1/workflows/${t.project}/${t.workflow}` },
    { method: "GET", path: `/api/v1/contracts/${t.contract}` },
    { method: "PATCH", path: `/api/v1/contracts/${t.contract}`, body: { description: "hijacked" } },
    { method: "DELETE", path: `/api/v1/contracts/${t.contract}` },
    { method: "GET", path: `/api/v1/runs/${t.run}` },
    { method: "GET", path: `/api/v1/runs/${t.run}/attestation` },
    { method: "GET", path: `/api/v1/runs/by-digest/${t.att}` },
    { method: "GET", path: `/api/v1/discover/${t.att}` },
    { method: "GET", path: `/api/v1/discover/${t.blob}` },
    { method: "GET", path: `/api/v1/blobs/${t.blob}` },
    { method: "DELETE", path: `/api/v1/tokens/${t.token}` },
    { method: "GET", path: `/api/v1/attestations/${t.run}/state` },
    { method: "DELETE", path: `/api/v1/attestations/${t.run}` },
  ];
  if (opts.create) calls.push({ method: "POST", path: "/api/v1/workflows", body: { name: "fresh", project: t.project } });
  return calls;
}

/** The absent call's body with the absent ids replaced by the real ones: must equal the "not yours" body exactly. */
function asIfFor(r: Reply, t: Target): string {
  let text = r.text;
  for (const k of Object.keys(ABSENT) as (keyof Target)[]) text = text.replaceAll(ABSENT[k], t[k]);
  return text;
}

describe("foreign and out-of-scope tokens get 404s identical to those for things that do not exist", () => {
  const cases: [string, keyof Api["tokens"], () => Promise<Target>, boolean][] = [
    ["a token of another organization", "other", async () => await p1build(), false],
    ["a project token outside its project", "p2", async () => await p1build(), true],
    ["a workflow token outside its workflow (same project)", "p1build", async () => await p1test(), true],
  ];
  for (const [what, tokenName, target, create] of cases) {
    test(what, async () => {
      const t = await target();
      const token = api.tokens[tokenName];
      const absent = targetedRoutes(ABSENT, { create });
      const real = targetedRoutes(t, { create });
      for (let i = 0; i < real.length; i++) {
        const [yours, none] = [await send(real[i]!, token), await send(absent[i]!, token)];
        expect([real[i]!.method, real[i]!.path, yours.status]).toEqual([real[i]!.method, real[i]!.path, 404]);
        expect(yours.text).toBe(asIfFor(none, t));
      }
      await unchanged();
    });
  }
});

async function p1build(): Promise<Target> {
  const r = api.runs.p1build;
  return { project: "p1", workflow: "build", contract: "p1-build", run: r.runId!, att: r.digest, blob: sha("p1 only\n"), token: await tokenId("ci") };
}
async function p1test(): Promise<Target> {
  const r = api.runs.p1test;
  return { project: "p1", workflow: "test", contract: "p1-test", run: r.runId!, att: r.digest, blob: sha("p1 test report\n"), token: await tokenId("ci") };
}

describe("lists show a foreign or scoped token nothing outside its reach", () => {
  const names = async (path: string, token: string, key: (x: Record<string, string>) => string) =>
    ((await api.req("GET", path, { token })).body.items as Record<string, string>[]).map(key).sort();
  const wf = (x: Record<string, string>) => `${x.project}/${x.name ?? x.workflow}`;

  test("workflows, runs, contracts, tokens, orgs", async () => {
    const t = api.tokens;
    expect(await names("/api/v1/workflows", t.other, wf)).toEqual(["o/job"]);
    expect(await names("/api/v1/workflows", t.p1, wf)).toEqual(["p1/build", "p1/test"]);
    expect(await names("/api/v1/workflows", t.p1build, wf)).toEqual(["p1/build"]);
    expect(await names("/api/v1/runs", t.other, wf)).toEqual(["o/job"]);
    expect(await names("/api/v1/runs", t.p2, wf)).toEqual(["p2/deploy"]);
    expect(await names("/api/v1/runs?project=p2", t.p1, wf)).toEqual([]);
    expect(await names("/api/v1/runs?workflow=test", t.p1build, wf)).toEqual([]);
    expect(await names("/api/v1/contracts", t.p1, (x) => x.name!)).toEqual(["p1-build", "p1-test"]);
    expect(await names("/api/v1/contracts", t.p1build, (x) => x.name!)).toEqual(["p1-build"]);
    expect(await names("/api/v1/contracts", t.other, (x) => x.name!)).toEqual(["o-job"]);
    expect(await names("/api/v1/tokens", t.other, (x) => x.name!)).toEqual(["o"]);
    expect(await names("/api/v1/orgs", t.other, (x) => x.name!)).toEqual(["other"]);
    expect(await names("/api/v1/orgs", t.p1, (x) => x.name!)).toEqual(["default"]);
  });
});
