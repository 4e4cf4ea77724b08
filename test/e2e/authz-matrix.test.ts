// The authorization matrix of `cairn serve`, through the compiled binary: every route of the API and every page and
// form of the web view, called with a token of each role and scope (and no, malformed, unknown, revoked and expired
// ones). Each cell's expected status is in TABLE below; a route or page the table does not list fails the test.
// Cells expected to succeed act on things made for them (a fresh workflow to delete), so every refused cell can aim
// at the same fixture, which must be unchanged at the end; every 404 must be byte-for-byte the 404 of an absent
// thing; every refused state change must be in the audit trail.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, generateKeyPairSync } from "node:crypto";
import { apiRouter } from "../../src/server/routes.ts";
import { WEB_PAGES } from "../../src/server/web/index.ts";
import { Sandbox } from "./harness.ts";
import { seed, serve, type Seeded, type Served } from "./serve.harness.ts";

const sha = (s: string) => `sha256:${createHash("sha256").update(s).digest("hex")}`;

/** The tokens of the table's columns: organization-level roles, the instance admin, scoped ones, another organization's admin. */
const WHO = ["viewer", "attestor", "maintainer", "admin", "root", "p1viewer", "p1", "p1build", "p2", "other"] as const;
type Who = (typeof WHO)[number];
type Row = readonly [number, number, number, number, number, number, number, number, number, number];

/**
 * The expected status of every cell. Columns: viewer, attestor, maintainer, admin (organization-level roles of
 * organization default), root (the instance admin printed at first start), p1viewer (a viewer of project p1), p1 (an
 * attestor of project p1), p1build (an attestor of workflow p1/build), p2 (an attestor of project p2), other (the
 * admin of organization "other"). Targets are p1/build's: its workflow, contract, run, attestation, a material only it
 * has, its remote crafting state. 403: the role may not (inside the scope); 404: outside the scope, or an
 * organization route for a scoped token; 422 on push: authorized, and the bundle `{}` is refused.
 */
// prettier-ignore
const TABLE: Record<string, Row> = {
  //                                              viewer attest maint admin root p1view p1   p1build p2  other
  "GET /api/v1/workflows":                         [200,  200,   200,  200,  200, 200,   200,  200,   200, 200],
  "POST /api/v1/workflows":                        [403,  403,   201,  201,  201, 404,   404,  404,   404, 201],
  "GET /api/v1/workflows/:project/:name":          [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "PATCH /api/v1/workflows/:project/:name":        [403,  403,   200,  200,  200, 403,   403,  403,   404, 404],
  "DELETE /api/v1/workflows/:project/:name":       [403,  403,   200,  200,  200, 403,   403,  403,   404, 404],
  "GET /api/v1/contracts":                         [200,  200,   200,  200,  200, 200,   200,  200,   200, 200],
  "POST /api/v1/contracts":                        [403,  403,   201,  201,  201, 404,   404,  404,   404, 201],
  "GET /api/v1/contracts/:name":                   [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "PATCH /api/v1/contracts/:name":                 [403,  403,   200,  200,  200, 403,   403,  403,   404, 404],
  "DELETE /api/v1/contracts/:name":                [403,  403,   200,  200,  200, 403,   403,  403,   404, 404],
  "POST /api/v1/apply":                            [403,  403,   200,  200,  200, 404,   404,  404,   404, 200],
  "GET /api/v1/policies":                          [200,  200,   200,  200,  200, 200,   200,  200,   200, 200],
  "POST /api/v1/policies":                         [403,  403,   201,  201,  201, 404,   404,  404,   404, 201],
  "GET /api/v1/policies/:name":                    [200,  200,   200,  200,  200, 200,   200,  200,   200, 404],
  "GET /api/v1/runs":                              [200,  200,   200,  200,  200, 200,   200,  200,   200, 200],
  "GET /api/v1/runs/by-digest/:digest":            [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "GET /api/v1/runs/:id":                          [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "GET /api/v1/runs/:id/attestation":              [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "GET /api/v1/discover/:digest":                  [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "GET /api/v1/tokens":                            [403,  403,   403,  200,  200, 404,   404,  404,   404, 200],
  "POST /api/v1/tokens":                           [403,  403,   403,  201,  201, 404,   404,  404,   404, 201],
  "DELETE /api/v1/tokens/:id":                     [403,  403,   403,  200,  200, 404,   404,  404,   404, 404],
  "GET /api/v1/orgs":                              [200,  200,   200,  200,  200, 200,   200,  200,   200, 200],
  "POST /api/v1/orgs":                             [403,  403,   403,  403,  201, 404,   404,  404,   404, 403],
  "PATCH /api/v1/orgs/:name":                      [403,  403,   403,  200,  200, 403,   403,  403,   403, 404],
  "GET /api/v1/whoami":                            [200,  200,   200,  200,  200, 200,   200,  200,   200, 200],
  "POST /api/v1/blobs":                            [403,  201,   201,  201,  201, 403,   201,  201,   201, 201],
  "GET /api/v1/blobs/:digest":                     [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "POST /api/v1/attestations":                     [403,  422,   422,  422,  422, 403,   422,  422,   422, 422],
  "POST /api/v1/identity-token":                   [403,  200,   200,  200,  200, 403,   200,  200,   404, 404],
  // a decision for everyone who may read: a verdict (of only the token's scope), an admission review
  "POST /api/v1/verify":                           [200,  200,   200,  200,  200, 200,   200,  200,   200, 200],
  "POST /api/v1/admission":                        [200,  200,   200,  200,  200, 200,   200,  200,   200, 200],
  "GET /api/v1/keys":                              [403,  403,   200,  200,  200, 404,   404,  404,   404, 200],
  "POST /api/v1/keys":                             [403,  403,   201,  201,  201, 404,   404,  404,   404, 201],
  "DELETE /api/v1/keys/:name":                     [403,  403,   200,  200,  200, 404,   404,  404,   404, 404],
  "POST /api/v1/attestations/preview":             [403,  200,   200,  200,  200, 403,   200,  200,   404, 200],
  "POST /api/v1/attestations/init":                [403,  201,   201,  201,  201, 403,   201,  201,   404, 201],
  "GET /api/v1/attestations/:id/state":            [403,  200,   200,  200,  200, 403,   200,  200,   404, 404],
  "PUT /api/v1/attestations/:id/state":            [403,  200,   200,  200,  200, 403,   200,  200,   404, 404],
  "DELETE /api/v1/attestations/:id/state":         [403,  204,   204,  204,  204, 403,   204,  204,   404, 404],
  "DELETE /api/v1/attestations/:id":               [403,  200,   200,  200,  200, 403,   200,  200,   404, 404],
  "GET /api/v1/audit":                             [403,  403,   200,  200,  200, 404,   404,  404,   404, 200],
  "GET /api/v1/webhooks":                          [403,  403,   200,  200,  200, 404,   404,  404,   404, 200],
  "POST /api/v1/webhooks":                         [403,  403,   201,  201,  201, 404,   404,  404,   404, 201],
  "DELETE /api/v1/webhooks/:name":                 [403,  403,   200,  200,  200, 404,   404,  404,   404, 404],
  "GET /api/v1/webhooks/:name/deliveries":         [403,  403,   200,  200,  200, 404,   404,  404,   404, 404],
  // the web view (session cookie); pages answer 404 pages outside the scope, and its forms
  "GET /":                                         [200,  200,   200,  200,  200, 200,   200,  200,   200, 200],
  "GET /runs/:id":                                 [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "GET /download/:digest":                         [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "GET /discover":                                 [200,  200,   200,  200,  200, 200,   200,  200,   200, 200],
  "GET /contracts/:name":                          [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "GET /workflows/:project/:name":                 [200,  200,   200,  200,  200, 200,   200,  200,   404, 404],
  "GET /audit":                                    [403,  403,   200,  200,  200, 403,   403,  403,   403, 200],
  "GET /webhooks":                                 [403,  403,   200,  200,  200, 403,   403,  403,   403, 200],
  "POST /login":                                   [303,  303,   303,  303,  303, 303,   303,  303,   303, 303],
  "POST /logout":                                  [303,  303,   303,  303,  303, 303,   303,  303,   303, 303],
};

/** The web view's forms: not pages (WEB_PAGES), but in the table all the same. */
const WEB_FORMS = ["POST /login", "POST /logout"];

interface Target {
  project: string;
  workflow: string;
  contract: string;
  run: string;
  att: string;
  blob: string;
  token: string;
  key: string;
  state: string;
  policy: string;
  webhook: string;
}
interface Req {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Web view request: the token goes in the session cookie. */
  web?: boolean;
}
/** How to call a route: at `t`, or (when the cell succeeds) at things made for the call by `fresh`. */
type Build = (t: Target, ok: boolean, who?: Who) => Promise<Req> | Req;

const sb = new Sandbox();
let data: Seeded;
let srv: Served;
let tokens: Record<Who, string>;
let names: Record<Who, string>;
let fixture: Target;
const ABSENT: Target = {
  project: "pz",
  workflow: "wz",
  contract: "cz",
  run: "00000000-0000-4000-8000-000000000000",
  att: sha("no attestation"),
  blob: sha("no blob"),
  token: "00000000-0000-4000-8000-00000000000f",
  key: "kz",
  state: "00000000-0000-4000-8000-0000000000aa",
  policy: "polz",
  webhook: "nohook",
};

async function send(r: Req, token: string | null): Promise<{ status: number; text: string }> {
  const auth: Record<string, string> = token === null ? {} : r.web ? { Cookie: `cairn_session=${token}` } : { Authorization: `Bearer ${token}` };
  const res = await fetch(srv.url + r.path, { method: r.method, headers: { ...auth, ...r.headers }, body: r.body, redirect: "manual" });
  return { status: res.status, text: await res.text() };
}

/** A call as the instance admin, for setting up fresh targets; it must succeed. */
async function root<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const r = await send({ method, path, body: body === undefined ? undefined : JSON.stringify(body), headers }, tokens.root);
  if (r.status >= 300) throw new Error(`setup ${method} ${path}: ${r.status} ${r.text}`);
  return (r.text ? JSON.parse(r.text) : {}) as T;
}

let n = 0;
const uniq = (p: string) => `${p}${++n}`;
const OBSERVED = { runner: { type: "RUNNER_TYPE_UNSPECIFIED" }, env: {} };
const j = JSON.stringify;

const fresh = {
  workflow: async () => (await root<{ name: string }>("POST", "/api/v1/workflows", { name: uniq("w"), project: "p1" })).name,
  contract: async () => (await root<{ name: string }>("POST", "/api/v1/contracts", { name: uniq("c") })).name,
  token: async () => (await root<{ id: string }>("POST", "/api/v1/tokens", { name: uniq("t") })).id,
  key: async () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    return (await root<{ name: string }>("POST", "/api/v1/keys", { name: uniq("k"), publicKey: pem })).name;
  },
  /** A remote crafting state of p1/build: its id (= run id) and the state at version 1. */
  state: async () => (await root<{ state: { attestationId: string } }>("POST", "/api/v1/attestations/init", { workflow: "build", project: "p1", observations: OBSERVED, remoteState: true })).state,
  run: async () => (await root<{ state: { attestationId: string } }>("POST", "/api/v1/attestations/init", { workflow: "build", project: "p1", observations: OBSERVED })).state.attestationId,
  webhook: async () => (await root<{ name: string }>("POST", "/api/v1/webhooks", { name: uniq("h"), url: HOOK_URL })).name,
};

/** Loopback: it resolves, and http there is not warned about. */
const HOOK_URL = "http://127.0.0.1:9/hook";
const policyText = (name: string) => `apiVersion: cairn.dev/v1\nkind: Policy\nmetadata: {name: ${name}}\nspec:\n  rules: [{name: r, kinds: [ARTIFACT], violations: '[]'}]\n`;
const form = { "Content-Type": "application/x-www-form-urlencoded" };

/** One way to call each route of TABLE. */
const CALLS: Record<string, Build> = {
  "GET /api/v1/workflows": () => ({ method: "GET", path: "/api/v1/workflows" }),
  "POST /api/v1/workflows": (t, ok) => ({ method: "POST", path: "/api/v1/workflows", body: j({ name: ok ? uniq("made") : "fresh", project: t.project }) }),
  "GET /api/v1/workflows/:project/:name": (t) => ({ method: "GET", path: `/api/v1/workflows/${t.project}/${t.workflow}` }),
  "PATCH /api/v1/workflows/:project/:name": async (t, ok) => ({ method: "PATCH", path: `/api/v1/workflows/${t.project}/${ok ? await fresh.workflow() : t.workflow}`, body: j({ description: "hijacked" }) }),
  "DELETE /api/v1/workflows/:project/:name": async (t, ok) => ({ method: "DELETE", path: `/api/v1/workflows/${t.project}/${ok ? await fresh.workflow() : t.workflow}` }),
  "GET /api/v1/contracts": () => ({ method: "GET", path: "/api/v1/contracts" }),
  "POST /api/v1/contracts": (_t, ok) => ({ method: "POST", path: "/api/v1/contracts", body: j({ name: ok ? uniq("made") : "fresh" }) }),
  "GET /api/v1/contracts/:name": (t) => ({ method: "GET", path: `/api/v1/contracts/${t.contract}` }),
  "PATCH /api/v1/contracts/:name": async (t, ok) => ({ method: "PATCH", path: `/api/v1/contracts/${ok ? await fresh.contract() : t.contract}`, body: j({ description: "hijacked" }) }),
  "DELETE /api/v1/contracts/:name": async (t, ok) => ({ method: "DELETE", path: `/api/v1/contracts/${ok ? await fresh.contract() : t.contract}` }),
  "POST /api/v1/apply": (_t, ok) => ({ method: "POST", path: "/api/v1/apply", body: `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: ${ok ? uniq("applied") : "applied"}\nspec: {}\n` }),
  "GET /api/v1/policies": () => ({ method: "GET", path: "/api/v1/policies" }),
  "POST /api/v1/policies": (_t, ok) => ({ method: "POST", path: "/api/v1/policies", body: j({ text: policyText(ok ? uniq("pol") : "fresh") }) }),
  "GET /api/v1/policies/:name": (t) => ({ method: "GET", path: `/api/v1/policies/${t.policy}` }),
  "GET /api/v1/runs": () => ({ method: "GET", path: "/api/v1/runs" }),
  "GET /api/v1/runs/by-digest/:digest": (t) => ({ method: "GET", path: `/api/v1/runs/by-digest/${t.att}` }),
  "GET /api/v1/runs/:id": (t) => ({ method: "GET", path: `/api/v1/runs/${t.run}` }),
  "GET /api/v1/runs/:id/attestation": (t) => ({ method: "GET", path: `/api/v1/runs/${t.run}/attestation` }),
  "GET /api/v1/discover/:digest": (t) => ({ method: "GET", path: `/api/v1/discover/${t.att}` }),
  "GET /api/v1/tokens": () => ({ method: "GET", path: "/api/v1/tokens" }),
  "POST /api/v1/tokens": (_t, ok) => ({ method: "POST", path: "/api/v1/tokens", body: j({ name: ok ? uniq("made") : "fresh" }) }),
  "DELETE /api/v1/tokens/:id": async (t, ok) => ({ method: "DELETE", path: `/api/v1/tokens/${ok ? await fresh.token() : t.token}` }),
  "GET /api/v1/orgs": () => ({ method: "GET", path: "/api/v1/orgs" }),
  "POST /api/v1/orgs": (_t, ok) => ({ method: "POST", path: "/api/v1/orgs", body: j({ name: ok ? uniq("org") : "fresh" }) }),
  "PATCH /api/v1/orgs/:name": () => ({ method: "PATCH", path: "/api/v1/orgs/default", body: j({ implicitWorkflows: true }) }),
  "GET /api/v1/whoami": () => ({ method: "GET", path: "/api/v1/whoami" }),
  "POST /api/v1/blobs": () => ({ method: "POST", path: "/api/v1/blobs", body: "uploaded\n" }),
  "GET /api/v1/blobs/:digest": (t) => ({ method: "GET", path: `/api/v1/blobs/${t.blob}` }),
  "POST /api/v1/attestations": () => ({ method: "POST", path: "/api/v1/attestations", body: "{}" }),
  "POST /api/v1/identity-token": (t) => ({ method: "POST", path: "/api/v1/identity-token", body: j({ workflow: `${t.project}/${t.workflow}` }) }),
  "POST /api/v1/verify": (t) => ({ method: "POST", path: "/api/v1/verify", body: j({ digest: t.blob, policy: { workflow: t.workflow } }) }),
  // A Pod in a namespace the admission configuration does not check (the checks themselves: admission.test.ts).
  "POST /api/v1/admission": () => ({
    method: "POST",
    path: "/api/v1/admission",
    body: j({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { uid: "u1", kind: { group: "", version: "v1", kind: "Pod" }, operation: "CREATE", namespace: "dev", object: { spec: { containers: [{ name: "app", image: "registry.example/app:1" }] } } } }),
  }),
  "GET /api/v1/keys": () => ({ method: "GET", path: "/api/v1/keys" }),
  "POST /api/v1/keys": (_t, ok) => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    return { method: "POST", path: "/api/v1/keys", body: j({ name: ok ? uniq("made") : "fresh", publicKey: pem }) };
  },
  "DELETE /api/v1/keys/:name": async (t, ok) => ({ method: "DELETE", path: `/api/v1/keys/${ok ? await fresh.key() : t.key}` }),
  "POST /api/v1/attestations/preview": (t) => ({ method: "POST", path: "/api/v1/attestations/preview", body: j({ workflow: t.workflow, project: t.project }) }),
  // The other organization's admin may init a workflow of that name in its own organization: one of its own name, so
  // the later cells still find p1/build only in organization default.
  "POST /api/v1/attestations/init": (t, ok, who) => ({
    method: "POST",
    path: "/api/v1/attestations/init",
    body: j({ workflow: ok && who === "other" ? "job" : t.workflow, project: ok && who === "other" ? "o" : t.project, observations: OBSERVED }),
  }),
  "GET /api/v1/attestations/:id/state": (t) => ({ method: "GET", path: `/api/v1/attestations/${t.state}/state` }),
  "PUT /api/v1/attestations/:id/state": async (t, ok) => {
    const s = ok ? await fresh.state() : undefined;
    return { method: "PUT", path: `/api/v1/attestations/${s?.attestationId ?? t.state}/state`, body: j(s ?? {}), headers: { "If-Match": '"1"' } };
  },
  "DELETE /api/v1/attestations/:id/state": async (t, ok) => ({ method: "DELETE", path: `/api/v1/attestations/${ok ? (await fresh.state()).attestationId : t.state}/state` }),
  "DELETE /api/v1/attestations/:id": async (t, ok) => ({ method: "DELETE", path: `/api/v1/attestations/${ok ? await fresh.run() : t.run}?trigger=cancellation` }),
  "GET /api/v1/audit": () => ({ method: "GET", path: "/api/v1/audit" }),
  "GET /api/v1/webhooks": () => ({ method: "GET", path: "/api/v1/webhooks" }),
  "POST /api/v1/webhooks": (_t, ok) => ({ method: "POST", path: "/api/v1/webhooks", body: j({ name: ok ? uniq("made") : "fresh", url: HOOK_URL }) }),
  "DELETE /api/v1/webhooks/:name": async (t, ok) => ({ method: "DELETE", path: `/api/v1/webhooks/${ok ? await fresh.webhook() : t.webhook}` }),
  "GET /api/v1/webhooks/:name/deliveries": (t) => ({ method: "GET", path: `/api/v1/webhooks/${t.webhook}/deliveries` }),
  "GET /": () => ({ method: "GET", path: "/", web: true }),
  "GET /runs/:id": (t) => ({ method: "GET", path: `/runs/${t.run}`, web: true }),
  "GET /download/:digest": (t) => ({ method: "GET", path: `/download/${t.blob}?run=${t.run}`, web: true }),
  "GET /discover": (t) => ({ method: "GET", path: `/discover?digest=${t.att}`, web: true }),
  "GET /contracts/:name": (t) => ({ method: "GET", path: `/contracts/${t.contract}`, web: true }),
  "GET /workflows/:project/:name": (t) => ({ method: "GET", path: `/workflows/${t.project}/${t.workflow}`, web: true }),
  "GET /audit": () => ({ method: "GET", path: "/audit", web: true }),
  "GET /webhooks": () => ({ method: "GET", path: "/webhooks", web: true }),
  "POST /login": () => ({ method: "POST", path: "/login", headers: form, web: true }),
  "POST /logout": () => ({ method: "POST", path: "/logout", headers: form, web: true }),
};

beforeAll(async () => {
  data = await seed(sb);
  const mk = (name: string, extra: string[]) => sb.json<{ token: string }>(["org", "api-token", "create", "--name", name, ...extra]).token;
  const extra = { viewer: mk("auditor", ["--role", "viewer"]), attestor: mk("org-ci", []), maintainer: mk("secops", ["--role", "maintainer"]), p1viewer: mk("p1viewer", ["--project", "p1", "--role", "viewer"]) };
  await Bun.write(sb.path("admission.yaml"), "namespaces:\n  prod: {workflow: build}\n");
  srv = await serve(sb, ["--admission-config", "admission.yaml"]);
  const rootToken = /admin token \(.*\): (cairn_\S+)/.exec(srv.stderr())![1]!;
  tokens = { ...extra, admin: data.tokens.org, root: rootToken, p1: data.tokens.p1, p1build: data.tokens.p1build, p2: data.tokens.p2, other: data.tokens.other };
  names = { viewer: "auditor", attestor: "org-ci", maintainer: "secops", admin: "ci", root: "admin", p1viewer: "p1viewer", p1: "p1", p1build: "p1build", p2: "p2", other: "o" };
  await root("POST", "/api/v1/policies", { text: policyText("pol") });
  const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
  await root("POST", "/api/v1/keys", { name: "kept", publicKey: pem });
  await root("POST", "/api/v1/webhooks", { name: "hooked", url: HOOK_URL });
  const state = await fresh.state();
  fixture = {
    project: "p1",
    workflow: "build",
    contract: "p1-build",
    run: data.runs.p1build.runId,
    att: data.runs.p1build.digest,
    blob: sha("p1 only\n"),
    token: data.tokenIds.org!,
    key: "kept",
    state: state.attestationId,
    policy: "pol",
    webhook: "hooked",
  };
}, 60_000);
afterAll(async () => {
  if (srv.proc.exitCode === null) await srv.stop();
  sb.cleanup();
});

/** The absent call's body with the absent names and ids replaced by the fixture's: what a 404 for the fixture must be. */
function asIfFor(text: string): string {
  let out = text;
  for (const k of Object.keys(ABSENT) as (keyof Target)[]) out = out.replaceAll(ABSENT[k], fixture[k]);
  return out;
}

/** Nothing the refused calls aimed at changed. */
async function unchanged(): Promise<void> {
  const get = async (path: string) => JSON.parse((await send({ method: "GET", path }, tokens.root)).text);
  expect((await get("/api/v1/workflows/p1/build")).description).toBeNull();
  const contract = await get("/api/v1/contracts/p1-build");
  expect([contract.description, contract.latestRevision]).toEqual([null, 1]);
  expect((await get("/api/v1/keys")).items.map((k: { name: string }) => k.name)).toContain("kept");
  expect((await get("/api/v1/webhooks")).items.map((w: { name: string }) => w.name)).toContain("hooked");
  expect((await get("/api/v1/tokens")).items.map((t: { name: string }) => t.name)).toContain("ci");
  expect((await get(`/api/v1/attestations/${fixture.state}/state`)).attestationId).toBe(fixture.state);
  expect((await get(`/api/v1/runs/${fixture.run}`)).run.state).toBe("succeeded");
  expect((await get("/api/v1/orgs")).items.map((o: { name: string }) => o.name).filter((o: string) => !/^org\d+$/.test(o))).toEqual(["default", "other"]);
  // what the refused calls would have made does not exist
  const listed = async (path: string) => ((await get(path)).items as { name: string }[]).map((x) => x.name);
  for (const path of ["/api/v1/workflows?limit=1000", "/api/v1/contracts?limit=1000", "/api/v1/tokens?limit=1000", "/api/v1/keys?limit=1000", "/api/v1/policies?limit=1000", "/api/v1/webhooks"]) {
    expect([path, await listed(path)]).toEqual([path, expect.not.arrayContaining(["fresh", "applied"])]);
  }
}

describe("the authorization matrix (compiled binary)", () => {
  test("the table lists every route of the API and every page and form of the web view, and nothing else", () => {
    const routes = apiRouter().routes().map((r) => `${r.method} ${r.path}`);
    const web = [...WEB_PAGES.map((p) => `GET ${p}`), ...WEB_FORMS];
    expect([...routes, ...web].sort()).toEqual(Object.keys(TABLE).sort());
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(TABLE).sort());
  });

  test("no, malformed, unknown, revoked and expired tokens: 401 on the API, the login page on the web", async () => {
    const bad: [string, string | null][] = [
      ["none", null],
      ["malformed", "cairn_short"],
      ["unknown", `cairn_${"B".repeat(43)}`],
      ["revoked", data.tokens.revoked],
      ["expired", data.tokens.expired],
    ];
    for (const [what, token] of bad) {
      for (const key of Object.keys(TABLE)) {
        const req = await CALLS[key]!(fixture, false);
        const r = await send(req.path === "/login" ? { ...req, body: `token=${token ?? ""}` } : req, req.path === "/login" ? null : token);
        const expected = !req.web ? 401 : req.path === "/login" ? 401 : req.path === "/logout" ? 303 : 303;
        expect([what, key, r.status]).toEqual([what, key, expected]);
        if (!req.web) expect(JSON.parse(r.text).error.code).toBe("UNAUTHENTICATED");
      }
    }
    await unchanged();
  }, 60_000);

  test("every cell answers as the table says; a 404 is the absent thing's 404; a 403 names only the role", async () => {
    for (const key of Object.keys(TABLE)) {
      for (const [i, who] of WHO.entries()) {
        const want = TABLE[key]![i]!;
        const req = await CALLS[key]!(fixture, want < 300, who);
        const r = req.path === "/login" ? await send({ ...req, body: `token=${tokens[who]}` }, null) : await send(req, tokens[who]);
        expect([key, who, r.status]).toEqual([key, who, want]);
        if (want === 404) {
          const none = await send(await CALLS[key]!(ABSENT, false), tokens[who]);
          expect([key, who, r.text]).toEqual([key, who, asIfFor(none.text)]);
        }
        if (want === 403 && !req.web) {
          const e = JSON.parse(r.text).error;
          expect([key, who, e.code]).toEqual([key, who, "FORBIDDEN"]);
          for (const secret of [fixture.run, "p1-build", "p1/build", fixture.state]) expect(r.text).not.toContain(secret);
        }
      }
    }
    await unchanged();
  }, 120_000);

  test("every refused state change (and every read a role refused) is in the audit trail, under the token's name", async () => {
    const actions = new Map(apiRouter().routes().map((r) => [`${r.method} ${r.path}`, r]));
    const expected = new Map<string, number>();
    for (const [key, row] of Object.entries(TABLE)) {
      const route = actions.get(key);
      if (!route) continue; // web pages are not audited (only logins)
      WHO.forEach((who, i) => {
        const status = row[i]!;
        const audited = route.method === "GET" || route.safe ? status === 403 : status >= 400;
        if (!audited) return;
        const k = `${who === "other" ? "other" : "default"} token:${names[who]} ${route.action}`;
        // a 404 cell was called twice: at the fixture and at an absent thing, to compare the answers
        expected.set(k, (expected.get(k) ?? 0) + (status === 404 ? 2 : 1));
      });
    }
    const actual = new Map<string, number>();
    for (const org of ["default", "other"]) {
      const rows = sb.json<{ items: { actor: string; action: string; outcome: string }[] }>(["audit", "list", "--outcome", "refused", "--limit", "1000"], { CAIRN_ORG: org }).items;
      for (const e of rows) {
        if (!e.actor.startsWith("token:")) continue;
        const k = `${org} ${e.actor} ${e.action}`;
        actual.set(k, (actual.get(k) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));
  });
});
