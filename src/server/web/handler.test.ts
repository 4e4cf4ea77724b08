import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { generateKeyPair, keyId, publicKeyOf } from "../../signing/keys.ts";
import { createToken, revokeToken } from "../../services/control/tokens.ts";
import { testStore } from "../../services/control/runs.testutil.ts";
import { createWorkflow } from "../../services/control/workflows.ts";
import type { WebHandler } from "../web-seam.ts";
import { serveWeb } from "./context.testutil.ts";
import { CSP } from "./layout.ts";
import { createWebHandler, webHandler } from "./index.ts";
import { seedEveryState, type Seeded } from "./seed.testutil.ts";

const BASE = "http://127.0.0.1:8080";

describe("the web handler behind the seam", async () => {
  const s = await testStore();
  let seeded: Seeded;
  let token = "";
  let cookie = "";
  beforeAll(async () => {
    seeded = await seedEveryState(s);
    token = (await createToken(s.app, { name: "operator" })).token;
    cookie = `cairn_session=${token}`;
  });
  afterAll(() => s.cleanup());

  const call = (path: string, init: RequestInit & { handler?: WebHandler } = {}) =>
    serveWeb(init.handler ?? webHandler, s.app, new Request(`${BASE}${path}`, { redirect: "manual", ...init }));
  const get = (path: string, handler?: WebHandler) => call(path, { headers: { cookie }, handler });
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    call(path, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });

  test("without a session every page redirects to /login, keeping where it was going; other paths are not the web's", async () => {
    const r = await call("/runs/x?y=1");
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/login?next=%2Fruns%2Fx%3Fy%3D1");
    const form = await call("/login?next=/runs/x");
    expect(form.status).toBe(200);
    expect(form.headers.get("content-security-policy")).toBe(CSP);
    expect(await form.text()).toContain(`name="next" value="/runs/x"`);
    expect((await call("/nope")).status).toBe(404);
    expect((await call("/api/v1/workflows")).status).toBe(404);
    const css = await call("/assets/cairn.css");
    expect(css.headers.get("content-type")).toContain("text/css");
  });

  test("login: a wrong token shows the form again with the reason (401); a good one sets the session cookie", async () => {
    const bad = await post("/login", "token=cairn_nope&next=%2F");
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain("API token is malformed");
    const unknown = await post("/login", `token=cairn_${"A".repeat(43)}`);
    expect(await unknown.text()).toContain("API token is not known");
    const ok = await post("/login", `token=${token}&next=%2Fruns%2Fabc`);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/runs/abc");
    expect(ok.headers.get("set-cookie")).toBe(`cairn_session=${token}; Path=/; HttpOnly; SameSite=Strict`);
    const evil = await post("/login", `token=${token}&next=%2F%2Fevil.example`);
    expect(evil.headers.get("location")).toBe("/");
    const https = await serveWeb(webHandler, s.app, new Request("https://ops.example/login", { method: "POST", body: `token=${token}` }));
    expect(https.headers.get("set-cookie")).toEndWith("; Secure");
  });

  test("login refuses revoked tokens, cross-site posts and oversized forms; logout clears the cookie", async () => {
    const t = await createToken(s.app, { name: "gone" });
    await revokeToken(s.app, { id: t.id });
    expect(await (await post("/login", `token=${t.token}`)).text()).toContain("API token is revoked");
    expect((await get("/", undefined)).status).toBe(200);
    expect((await post("/login", `token=${token}`, { origin: "https://evil.example" })).status).toBe(400);
    expect((await post("/login", `token=${"x".repeat(5000)}`)).status).toBe(413);
    const out = await post("/logout", "", { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toBe("cairn_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    expect((await call("/logout")).status).toBe(405);
  });

  test("dashboard: counts per state, every workflow with its badge, and the state filter", async () => {
    const r = await get("/");
    expect(r.headers.get("content-security-policy")).toBe(CSP);
    const body = await r.text();
    for (const [state, n] of Object.entries({ never_run: 1, blocked: 1, failing: 2, stale: 1, behind: 1, passing: 1 })) {
      expect(body).toMatch(new RegExp(`data-state="${state}">\\s*<strong>${n}</strong>`));
    }
    for (const [name, state] of Object.entries(seeded.expected)) {
      const project = ["deploy", "audit", "scan"].includes(name) ? "orbit" : "skynet";
      expect(body).toContain(`data-workflow="${project}/${name}" data-compliance="${state}"`);
    }
    expect(body).toContain(`organization <strong>default</strong>`);
    const failing = await (await get("/?state=failing")).text();
    expect(failing).toContain(`data-workflow="orbit/deploy"`);
    expect(failing).not.toContain(`data-workflow="skynet/build"`);
    const bad = await get("/?state=green");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("is not a compliance state");
  });

  test("run page: materials with kinds, digests and download links; the statement; unverified without keys", async () => {
    const body = await (await get(`/runs/${seeded.build.runId}`)).text();
    expect(body).toContain(`data-material="binary"`);
    expect(body).toContain(`title="${seeded.binaryDigest}">${seeded.binaryDigest.slice(0, 15)}…</a>`);
    expect(body).toContain(`/download/${encodeURIComponent(seeded.binaryDigest)}?run=${seeded.build.runId}`);
    expect(body).toContain(`v1.2.3`);
    expect(body).toContain(`<pre id="statement">`);
    expect(body).toContain("Not verified:</strong> no registered keys");
    expect((await get("/runs/no-such-run")).status).toBe(404);
    expect(await (await get(`/runs/${seeded.openRunId}`)).text()).toContain("nothing to verify");
  });

  test("run page verifies with the organization's keys, and says when no key verifies", async () => {
    const key = publicKeyOf(s.key.privateKey);
    const good = createWebHandler({ verificationKeys: () => [{ name: "ci-release", keyId: keyId(key), key }] });
    const page = await (await get(`/runs/${seeded.build.runId}`, good)).text();
    expect(page).toContain("Signature verified");
    expect(page).toContain(`with the organization's key <strong id="signer-key">ci-release</strong> <span class="muted">(key id <code id="signer-key-id">${keyId(key)}</code>)</span>`);
    const other = generateKeyPair("ed25519").publicKey;
    const wrong = createWebHandler({ verificationKeys: async () => [{ name: "other", keyId: keyId(other), key: other }] });
    expect(await (await get(`/runs/${seeded.build.runId}`, wrong)).text()).toContain("Verification failed:</strong> signature mismatch: none of the 1 given key(s) verifies");
  });

  test("a bug answers 500 with no details in the page, and its stack goes to the server's reporter", async () => {
    const warnings: string[] = [];
    const app = { ...s.app, reporter: { warn: (m: string) => warnings.push(m) } };
    const broken = createWebHandler({ verificationKeys: () => { throw new Error("secret internals"); } });
    const r = await serveWeb(broken, app, new Request(`${BASE}/runs/${seeded.build.runId}`, { headers: { cookie } }));
    expect(r.status).toBe(500);
    expect(await r.text()).not.toContain("secret internals");
    expect(warnings.join()).toContain("secret internals");
    expect((await call("/", { method: "POST", headers: { cookie } })).status).toBe(405);
  });

  test("downloads: only what the run references, re-hashed while streamed", async () => {
    const path = `/download/${seeded.binaryDigest}?run=${seeded.build.runId}`;
    const r = await get(path);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-disposition")).toContain(`filename="app.bin"`);
    expect(await r.text()).toBe("the app binary\n");
    const bundle = await get(`/download/${seeded.build.digest}?run=${seeded.build.runId}`);
    expect(JSON.parse(await bundle.text())).toHaveProperty("dsseEnvelope");
    // the binary is stored, but the deploy run does not reference it: refused
    const deployRun = (await s.app.runs.list({ orgId: (await s.app.repo.findOrg("default"))!.id, workflow: "deploy", state: "succeeded", limit: 1 }))[0]!;
    expect((await get(`/download/${seeded.binaryDigest}?run=${deployRun.id}`)).status).toBe(404);
    expect((await get(`/download/${seeded.binaryDigest}`)).status).toBe(400);
    expect((await get(`/download/sha256:..%2F..%2Fetc?run=${seeded.build.runId}`)).status).toBe(400);
    const file = s.app.blobs.pathFor!(seeded.binaryDigest);
    const original = readFileSync(file);
    writeFileSync(file, "tampered binary\n");
    try {
      const bad = await get(path);
      expect(bad.status).toBe(200); // headers go first; the body then fails instead of completing
      await expect(bad.text()).rejects.toThrow(/corrupt/);
    } finally {
      writeFileSync(file, original);
    }
  });

  test("discover: the material's node with the attestations referring to it, linking to their runs", async () => {
    const body = await (await get(`/discover?digest=${seeded.binaryDigest}`)).text();
    expect(body).toContain(`id="referred-by"`);
    expect(body).toContain(`data-kind="ATTESTATION"`);
    expect(body).toContain(`href="/runs/${seeded.build.runId}"`);
    expect(await (await get("/discover")).text()).toContain(`name="digest"`);
    const missing = await (await get(`/discover?digest=sha256:${"0".repeat(64)}`)).text();
    expect(missing).toContain(`id="discover-error"`);
  });

  test("contract page: revision history, a revision's body, and the diff between revisions", async () => {
    const page = await (await get("/contracts/release")).text();
    expect(page).toContain(`data-revision="2"`);
    expect(page).toContain(`href="/contracts/release?from=1&amp;to=2"`);
    const diff = await (await get("/contracts/release?from=1&to=2")).text();
    expect(diff).toContain(`<div class="add">    - {type: ARTIFACT, name: sbom}</div>`);
    expect(diff).toContain("Diff: revision 1 → 2");
    expect(diff).toContain(`<ul class="changes" id="changes"><li class="add" data-change="material-added">material sbom (ARTIFACT), required</li></ul>`);
    expect(diff).toContain("Revision 2: local, ");
    expect((await get("/contracts/release?from=1")).status).toBe(400);
    expect((await get("/contracts/release?from=x&to=2")).status).toBe(400);
    expect((await get("/contracts/release?revision=9")).status).toBe(404);
    expect((await get("/contracts/nope")).status).toBe(404);
  });

  test("every role logs in; a scoped session sees only its scope, the same 404 outside it as for nothing", async () => {
    const scoped = (await createToken(s.app, { name: "ci", project: "orbit" })).token;
    const viewer = (await createToken(s.app, { name: "wf-viewer", project: "skynet", workflow: "build", role: "viewer" })).token;
    for (const t of [scoped, viewer]) expect((await post("/login", `token=${t}`)).status).toBe(303);
    const as = (t: string, path: string) => call(path, { headers: { cookie: `cairn_session=${t}` } });
    const orbit = await (await as(scoped, "/")).text();
    expect(orbit).toContain(`<span class="who" id="session-role">attestor · project orbit</span>`);
    expect(orbit).toContain(`data-workflow="orbit/deploy"`);
    expect(orbit).not.toContain("skynet");
    const build = await (await as(viewer, "/")).text();
    expect(build).toContain("viewer · workflow skynet/build");
    expect([...build.matchAll(/data-workflow="([^"]+)"/g)].map((m) => m[1])).toEqual(["skynet/build"]);
    // outside the scope, a run, its downloads, a contract and a discover node are exactly as if they did not exist
    const run = seeded.build.runId!;
    const absent = "00000000-0000-4000-8000-000000000000";
    for (const [real, none] of [
      [`/runs/${run}`, `/runs/${absent}`],
      [`/download/${seeded.binaryDigest}?run=${run}`, `/download/${seeded.binaryDigest}?run=${absent}`],
    ]) {
      const [yours, missing] = [await as(scoped, real!), await as(scoped, none!)];
      expect([yours.status, (await yours.text()).replaceAll(run, absent)]).toEqual([404, await missing.text()]);
    }
    expect((await as(scoped, "/contracts/release")).status).toBe(404);
    expect((await as(viewer, `/runs/${run}`)).status).toBe(200);
    expect((await as(viewer, "/contracts/skynet-build")).status).toBe(200);
    expect((await as(viewer, "/contracts/release")).status).toBe(404); // another workflow's contract
  });

  test("the audit trail is a maintainer's page: the nav shows it only to them, others get 403", async () => {
    const secops = (await createToken(s.app, { name: "secops", role: "maintainer" })).token;
    expect((await post("/login", `token=${secops}`)).status).toBe(303);
    const dashboard = await (await call("/", { headers: { cookie: `cairn_session=${secops}` } })).text();
    expect(dashboard).toContain(`<a href="/audit">Audit</a>`);
    expect(await (await get("/")).text()).not.toContain(`href="/audit"`); // the operator token is an attestor
    const refused = await get("/audit");
    expect([refused.status, await refused.text()]).toEqual([403, expect.stringContaining("the audit trail needs the maintainer role; this API token is an attestor")]);
    const audit = await (await call("/audit?action=session.login", { headers: { cookie: `cairn_session=${secops}` } })).text();
    expect(audit).toContain(`data-action="session.login"`);
    expect(audit).toContain("token:secops");
    expect((await call("/audit?outcome=nope", { headers: { cookie: `cairn_session=${secops}` } })).status).toBe(400);
  });

  test("the view is scoped to the session's organization", async () => {
    const acme = { ...s.app, config: { ...s.app.config, organization: "acme" } };
    await createWorkflow(acme, { name: "secret", project: "acme-proj" });
    const acmeToken = (await createToken(acme, { name: "acme-op" })).token;
    const body = await (await call("/", { headers: { cookie: `cairn_session=${acmeToken}` } })).text();
    expect(body).toContain("organization <strong>acme</strong>");
    expect(body).toContain(`data-workflow="acme-proj/secret"`);
    expect(body).not.toContain("skynet");
    expect((await call(`/runs/${seeded.build.runId}`, { headers: { cookie: `cairn_session=${acmeToken}` } })).status).toBe(404);
  });
});
