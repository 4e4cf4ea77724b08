// Each API route against a seeded store, as an organization token (and scoped tokens where scope matters).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { apiFixture, CONTENT, sha, type Api } from "./api.testutil.ts";

let api: Api;
beforeAll(async () => {
  api = await apiFixture();
});
afterAll(() => api.cleanup());

const CONTRACT = (name: string, extra = "") => `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: ${name}\n${extra}spec:\n  materials:\n    - name: binary\n      type: ARTIFACT\n`;

describe("workflows", () => {
  test("create (201, then 200 with skipIfExists), describe, update, delete; names are checked", async () => {
    const created = await api.req("POST", "/api/v1/workflows", { body: { name: "lint", project: "p3", team: "qa" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "lint", project: "p3", team: "qa", contractName: "p3-lint", created: true });
    expect((await api.req("POST", "/api/v1/workflows", { body: { name: "lint", project: "p3" } })).status).toBe(409);
    expect((await api.req("POST", "/api/v1/workflows", { body: { name: "lint", project: "p3", skipIfExists: true } })).status).toBe(200);
    expect((await api.req("GET", "/api/v1/workflows/p3/lint")).body).toMatchObject({ name: "lint", runsCount: 0, lastRun: null });
    const upd = await api.req("PATCH", "/api/v1/workflows/p3/lint", { body: { description: "linting", contract: "p1-build" } });
    expect(upd.body).toMatchObject({ description: "linting", contractName: "p1-build" });
    expect((await api.req("DELETE", "/api/v1/workflows/p3/lint")).body).toMatchObject({ name: "lint", project: "p3" });
    expect((await api.req("GET", "/api/v1/workflows/p3/lint")).status).toBe(404);
    const bad = await api.req("POST", "/api/v1/workflows", { body: { name: "Bad Name", project: "p3" } });
    expect([bad.status, bad.body.error.code]).toEqual([400, "USAGE"]);
    expect((await api.req("POST", "/api/v1/workflows", { body: { name: "x", project: 3 } })).body.error.message).toBe("field project must be a string");
    expect((await api.req("POST", "/api/v1/workflows", { body: { name: "x", projekt: "p" } })).body.error.message).toContain('unknown field "projekt"');
  });

  test("a contract is named, never read from the server's disk", async () => {
    const r = await api.req("POST", "/api/v1/workflows", { body: { name: "sneaky", project: "p3", contract: "/etc/passwd" } });
    expect([r.status, r.body.error.code]).toEqual([400, "USAGE"]);
    const missing = await api.req("POST", "/api/v1/workflows", { body: { name: "sneaky", project: "p3", contract: "nope" } });
    expect([missing.status, missing.body.error.message]).toEqual([404, "contract nope does not exist in organization default"]);
  });

  test("workflows are a maintainer's: a project attestor gets the organization route's fixed 404, an organization attestor 403", async () => {
    const body = { name: "scoped", project: "p1", contract: "p1-test" };
    const scoped = await api.req("POST", "/api/v1/workflows", { token: api.tokens.p1, body });
    expect([scoped.status, scoped.body.error.message]).toEqual([404, "this route needs an organization-level API token (this one is scoped to a project or workflow)"]);
    const attestor = await api.req("POST", "/api/v1/workflows", { token: api.tokens.attestor, body });
    expect([attestor.status, attestor.body.error.code, attestor.body.error.details]).toEqual([403, "FORBIDDEN", { needed: "maintainer", role: "attestor" }]);
    expect((await api.req("POST", "/api/v1/workflows", { token: api.tokens.maintainer, body })).status).toBe(201);
    expect((await api.req("DELETE", "/api/v1/workflows/p1/scoped", { token: api.tokens.p1 })).status).toBe(403); // in scope: the role refuses
    expect((await api.req("DELETE", "/api/v1/workflows/p1/scoped", { token: api.tokens.maintainer })).status).toBe(200);
  });

  test("pagination stays correct inside a scope", async () => {
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const r = await api.req("GET", `/api/v1/workflows?limit=1${next ? `&next=${next}` : ""}`, { token: api.tokens.p1 });
      expect(r.body.items).toHaveLength(1);
      seen.push(r.body.items[0].name);
      next = r.body.next;
    } while (next);
    expect(seen.sort()).toEqual(["build", "test"]);
  });
});

describe("contracts and apply", () => {
  test("create from text, describe (with revision), update, delete", async () => {
    const c = await api.req("POST", "/api/v1/contracts", { body: { name: "svc", text: CONTRACT("svc") } });
    expect([c.status, c.body.latestRevision]).toEqual([201, 1]);
    const u = await api.req("PATCH", "/api/v1/contracts/svc", { body: { text: CONTRACT("svc", "  description: two\n") } });
    expect(u.body).toMatchObject({ revision: 2, changed: true, description: "two" });
    expect((await api.req("GET", "/api/v1/contracts/svc?revision=1")).body).toMatchObject({ revision: 1, latestRevision: 2, body: CONTRACT("svc") });
    expect((await api.req("GET", "/api/v1/contracts/svc?revision=9")).status).toBe(404);
    expect((await api.req("GET", "/api/v1/contracts/svc?revision=x")).status).toBe(400);
    const invalid = await api.req("POST", "/api/v1/contracts", { body: { name: "broken", text: "kind: [" } });
    expect([invalid.status, invalid.body.error.code]).toEqual([400, "CONTRACT_INVALID"]);
    const mismatch = await api.req("POST", "/api/v1/contracts", { body: { name: "other-name", text: CONTRACT("svc") } });
    expect(mismatch.body.error.message).toBe("--name other-name differs from metadata.name svc in text");
    expect((await api.req("DELETE", "/api/v1/contracts/svc")).status).toBe(200);
    expect((await api.req("DELETE", "/api/v1/contracts/p1-build")).status).toBe(409);
  });

  test("a scoped token reads its contracts, and only its workflows in them", async () => {
    const d = await api.req("GET", "/api/v1/contracts/p1-build", { token: api.tokens.p1build });
    expect(d.body.workflows).toEqual([{ project: "p1", name: "build" }]);
    expect((await api.req("POST", "/api/v1/contracts", { token: api.tokens.p1, body: { name: "x" } })).body.error.message).toContain("organization-level");
  });

  test("apply: YAML text, dry run changes nothing, bad documents change nothing", async () => {
    const text = `${CONTRACT("applied-a")}---\n${CONTRACT("applied-b")}`;
    const dry = await api.req("POST", "/api/v1/apply?dryRun=true", { raw: text });
    expect(dry.body).toMatchObject({ dryRun: true, items: [{ name: "applied-a", action: "created" }, { name: "applied-b", action: "created" }] });
    expect((await api.req("GET", "/api/v1/contracts/applied-a")).status).toBe(404);
    expect((await api.req("POST", "/api/v1/apply", { raw: text })).body.items.map((i: { source: string }) => i.source)).toEqual(["body#1", "body#2"]);
    const bad = await api.req("POST", "/api/v1/apply", { raw: `${CONTRACT("applied-c")}---\nkind: Nope\n` });
    expect([bad.status, bad.body.error.code]).toEqual([400, "CONTRACT_INVALID"]);
    expect((await api.req("GET", "/api/v1/contracts/applied-c")).status).toBe(404);
    expect((await api.req("POST", "/api/v1/apply?dryRun=maybe", { raw: text })).status).toBe(400);
  });
});

describe("runs and discover", () => {
  test("list with filters, describe by id and by digest, the attestation bytes as stored", async () => {
    const r = api.runs.p1build;
    const list = await api.req("GET", "/api/v1/runs?project=p1&status=succeeded");
    expect(list.body.items.map((x: { workflow: string }) => x.workflow).sort()).toEqual(["build", "test"]);
    expect((await api.req("GET", "/api/v1/runs?status=bogus")).status).toBe(400);
    expect(list.body.items.map((x: { policyStatus: string; pushedBy: string | null }) => [x.policyStatus, x.pushedBy])).toEqual([["none", "local"], ["none", "local"]]);
    const byPolicy = await api.req("GET", "/api/v1/runs?project=p1&policyStatus=none");
    expect(byPolicy.body.items.map((x: { id: string }) => x.id)).toEqual(list.body.items.map((x: { id: string }) => x.id));
    expect((await api.req("GET", "/api/v1/runs?policyStatus=blocked")).body.items).toEqual([]);
    const bad = await api.req("GET", "/api/v1/runs?policyStatus=green");
    expect([bad.status, bad.body.error.code, bad.body.error.message]).toEqual([400, "USAGE", `--policy-status "green" is not a policy status`]);
    expect((await api.req("GET", "/api/v1/runs?limit=0")).status).toBe(400);
    const byId = await api.req("GET", `/api/v1/runs/${r.runId}`);
    expect(byId.body.run).toMatchObject({ id: r.runId, workflow: "build", state: "succeeded", attestationDigest: r.digest });
    expect(byId.body.attestation.materials.map((m: { name: string }) => m.name).sort()).toEqual(["own", "shared"]);
    expect((await api.req("GET", `/api/v1/runs/by-digest/${r.digest}`)).body.run.id).toBe(r.runId);
    expect((await api.req("GET", "/api/v1/runs/by-digest/sha256:nothex")).status).toBe(400);
    const att = await fetch(`${api.url}/api/v1/runs/${r.runId}/attestation`, { headers: { Authorization: `Bearer ${api.tokens.org}` } });
    const bytes = new Uint8Array(await att.arrayBuffer());
    expect(sha(bytes)).toBe(r.digest); // the content address: byte for byte what was stored
    expect(att.headers.get("etag")).toBe(`"${r.digest}"`);
  });

  test("discover: the graph, and a project token sees only its projects' nodes around a shared material", async () => {
    const shared = sha(CONTENT.shared);
    const all = await api.req("GET", `/api/v1/discover/${shared}`);
    expect(all.body.referredBy.map((n: { run: { project: string } }) => n.run.project).sort()).toEqual(["p1", "p2"]);
    const p2 = await api.req("GET", `/api/v1/discover/${shared}`, { token: api.tokens.p2 });
    expect(p2.body.referredBy.map((n: { run: { project: string } }) => n.run.project)).toEqual(["p2"]);
    const att = await api.req("GET", `/api/v1/discover/${api.runs.p2deploy.digest}`, { token: api.tokens.p2 });
    expect(att.body.references.map((n: { digest: string }) => n.digest).sort()).toEqual([shared, sha(CONTENT.p2)].sort());
    expect((await api.req("GET", "/api/v1/discover/sha256:123")).status).toBe(400);
    expect((await api.req("GET", `/api/v1/discover/${shared}?limit=5000`)).status).toBe(400);
  });
});

describe("tokens, organizations, whoami", () => {
  test("an organization token creates, lists and revokes tokens of its organization", async () => {
    const c = await api.req("POST", "/api/v1/tokens", { body: { name: "made-by-api", project: "p2", expiration: "1h" } });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ name: "made-by-api", project: "p2", organization: "default", admin: false });
    expect((await api.req("GET", "/api/v1/whoami", { token: c.body.token })).body).toMatchObject({ organization: "default", scope: { project: "p2", workflow: null }, admin: false });
    expect(JSON.stringify((await api.req("GET", "/api/v1/tokens?status=all")).body)).not.toContain(c.body.token);
    expect((await api.req("DELETE", `/api/v1/tokens/${c.body.id}`)).body).toMatchObject({ status: "revoked", alreadyRevoked: false });
    expect((await api.req("GET", "/api/v1/whoami", { token: c.body.token })).status).toBe(401);
    const foreign = await api.req("POST", "/api/v1/tokens", { body: { name: "x", organization: "other" } });
    expect([foreign.status, foreign.body.error.message]).toEqual([404, "organization other does not exist"]);
  });

  test("the admin creates organizations and tokens in them; those tokens see only their organization", async () => {
    const admin = api.tokens.admin;
    expect((await api.req("POST", "/api/v1/orgs", { token: api.tokens.org, body: { name: "acme" } })).status).toBe(403); // an organization's admin, not the instance's
    const org = await api.req("POST", "/api/v1/orgs", { token: admin, body: { name: "acme" } });
    expect([org.status, org.body.name]).toEqual([201, "acme"]);
    expect((await api.req("POST", "/api/v1/orgs", { token: admin, body: { name: "acme" } })).status).toBe(409);
    expect((await api.req("POST", "/api/v1/tokens", { token: admin, body: { name: "x", organization: "nowhere" } })).status).toBe(404);
    const t = await api.req("POST", "/api/v1/tokens", { token: admin, body: { name: "acme-ci", organization: "acme" } });
    expect([t.status, t.body.organization]).toEqual([201, "acme"]);
    expect((await api.req("GET", "/api/v1/workflows", { token: t.body.token })).body.items).toEqual([]);
    expect((await api.req("GET", "/api/v1/whoami", { token: admin })).body).toMatchObject({ organization: "default", admin: true });
    // the admin reads its own organization's data only
    expect((await api.req("GET", "/api/v1/workflows?project=o", { token: admin })).body.items).toEqual([]);
  });
});

describe("blobs", () => {
  test("upload streams in and is recorded; download streams the same bytes with Content-Length, ETag and Digest", async () => {
    const data = new Uint8Array(3 * 1024 * 100 + 17).map((_, i) => (i * 7) % 256);
    const up = await api.req("POST", "/api/v1/blobs?name=data.bin", { raw: data });
    expect(up.status).toBe(201);
    expect(up.body).toEqual({ digest: sha(data), size: data.length, name: "data.bin" });
    const res = await fetch(`${api.url}/api/v1/blobs/${sha(data)}`, { headers: { Authorization: `Bearer ${api.tokens.org}` } });
    expect(res.headers.get("content-length")).toBe(String(data.length));
    expect(res.headers.get("etag")).toBe(`"${sha(data)}"`);
    expect(res.headers.get("digest")).toBe(`sha-256=${Buffer.from(sha(data).slice(7), "hex").toString("base64")}`);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="data.bin"');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(data);
    // another organization cannot read it by digest, even though the CAS is shared
    expect((await api.req("GET", `/api/v1/blobs/${sha(data)}`, { token: api.tokens.other })).status).toBe(404);
    // a material stored by a push is downloadable by its project, not by another project's token
    expect((await api.req("GET", `/api/v1/blobs/${sha(CONTENT.p1)}`, { token: api.tokens.p1 })).text).toBe(CONTENT.p1);
    expect((await api.req("GET", `/api/v1/blobs/${sha(CONTENT.p1)}`, { token: api.tokens.p2 })).status).toBe(404);
  });

  test("bad names and digests are 400", async () => {
    expect((await api.req("POST", "/api/v1/blobs?name=../../etc/passwd", { raw: "x" })).status).toBe(400);
    expect((await api.req("GET", "/api/v1/blobs/sha256:ABC")).status).toBe(400);
    expect((await api.req("GET", "/api/v1/blobs/md5:0123")).status).toBe(400);
  });

  test("a corrupt blob is not served as if it were whole", async () => {
    const data = "will be damaged\n";
    await api.req("POST", "/api/v1/blobs", { raw: data });
    await Bun.write(api.s.app.blobs.pathFor!(sha(data)), "damaged!!!!!!!!\n");
    const r = await api.req("GET", `/api/v1/blobs/${sha(data)}`);
    expect([r.status, r.body.error.code]).toEqual([500, "INTEGRITY"]);
  });
});
