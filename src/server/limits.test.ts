// Limits, malformed input, path tricks, the web seam, logging, and the 500 path (reachable only by a bug).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { setMaxBlobBytes } from "../services/control/orgs.ts";
import { ensureAdminToken } from "./bootstrap.ts";
import { apiFixture, sha, type Api } from "./api.testutil.ts";
import { splitPath } from "./paths.ts";
import type { WebHandler } from "./web-seam.ts";

let api: Api;
const seen: { path: string; org?: string }[] = [];
const web: WebHandler = async (req, ctx) => {
  const path = new URL(req.url).pathname;
  if (path === "/boom") throw new Error("a bug in the web view");
  if (path !== "/dash") return undefined;
  seen.push({ path, org: ctx.session?.principal.orgName });
  return new Response(ctx.session ? `hello ${ctx.session.deps.config.organization}` : "login please");
};

beforeAll(async () => {
  api = await apiFixture({ limits: { maxBodyBytes: 1024, maxBlobBytes: 64 * 1024 }, web });
});
afterAll(() => api.cleanup());

const tmpFiles = () => {
  try {
    return readdirSync(join(api.s.app.config.home, "cas", "tmp"));
  } catch {
    return [];
  }
};

describe("limits", () => {
  test("a JSON body over --max-body is 413, declared or not", async () => {
    const big = { name: "x", description: "d".repeat(2000), project: "p1" };
    const r = await api.req("POST", "/api/v1/workflows", { body: big });
    expect([r.status, r.body.error.code, r.body.error.details]).toEqual([413, "TOO_LARGE", { maxBytes: 1024 }]);
    const chunked = new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode("a".repeat(400)));
        c.close();
      },
    });
    expect((await api.req("POST", "/api/v1/apply", { raw: chunked })).status).toBe(413);
    expect((await api.req("GET", "/api/v1/workflows/p1/big")).status).toBe(404);
  });

  test("a blob over the limit is 413 while streaming and leaves no tmp file; the organization's own limit wins", async () => {
    const r = await api.req("POST", "/api/v1/blobs", { raw: new Uint8Array(64 * 1024 + 1) });
    expect([r.status, r.body.error.code]).toEqual([413, "TOO_LARGE"]);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 16 * 1024;
        if (sent > 10 * 1024 * 1024) c.close();
        else c.enqueue(new Uint8Array(16 * 1024));
      },
    });
    expect((await api.req("POST", "/api/v1/blobs", { raw: endless })).status).toBe(413);
    expect(sent).toBeLessThan(10 * 1024 * 1024);
    expect(tmpFiles()).toEqual([]);
    await setMaxBlobBytes(api.s.app, { name: "default", maxBlobBytes: 10 }); // `cairn org update --max-blob 10`
    expect((await api.req("POST", "/api/v1/blobs", { raw: "eleven byte" })).status).toBe(413);
    expect((await api.req("POST", "/api/v1/blobs", { raw: "eleven byte", token: api.tokens.other })).status).toBe(201);
    expect((await api.req("POST", "/api/v1/blobs", { raw: "ten bytes!" })).status).toBe(201);
  });
});

describe("malformed input is 400, unknown routes 404, wrong methods 405", () => {
  test("bodies and parameters", async () => {
    for (const raw of ["{", "[1,2]", '"str"', "null", "{\"name\": }", "\u0000"]) {
      const r = await api.req("POST", "/api/v1/workflows", { raw, headers: { "Content-Type": "application/json" } });
      expect([raw, r.status, r.body.error.code]).toEqual([raw, 400, "USAGE"]);
    }
    expect((await api.req("POST", "/api/v1/contracts", { raw: new Uint8Array([0xff, 0xfe, 0x7b]) })).status).toBe(400);
    expect((await api.req("GET", "/api/v1/runs?limit=-1")).status).toBe(400);
    expect((await api.req("GET", "/api/v1/runs?limit=1e3")).status).toBe(400);
    expect((await api.req("GET", "/api/v1/runs?next=garbage!")).status).toBe(400);
    expect((await api.req("GET", `/api/v1/runs?next=${"x".repeat(2000)}`)).status).toBe(400);
    expect((await api.req("GET", "/api/v1/tokens?status=nope")).status).toBe(400);
  });

  test("digests and path tricks", async () => {
    for (const d of ["sha256:xyz", "sha256:" + "A".repeat(64), "sha512:" + "a".repeat(64), "..", "%2e%2e"]) {
      expect([d, (await api.req("GET", `/api/v1/blobs/${d}`)).status]).toEqual([d, d === ".." || d === "%2e%2e" ? 404 : 400]);
    }
    const tricks = ["/api/v1/workflows/p1%2Fbuild/x", "/api/v1/workflows/p1%5Cb/x", "/api/v1/workflows/a%00/b", `/api/v1/workflows/${"a".repeat(300)}/b`, `/api/v1/${"a/".repeat(1100)}`, "/api/v1/workflows/%E0%A4%A/x", "/api//v1/workflows"];
    for (const p of tricks) expect([p.slice(0, 40), (await api.req("GET", p)).status]).toEqual([p.slice(0, 40), 400]);
    // `..` is resolved before routing, so it can only land on another public path
    expect((await api.req("GET", "/api/v1/runs/../workflows")).status).toBe(200);
    expect((await api.req("GET", "/api/v1/../../../etc/passwd")).status).toBe(404);
  });

  test("routes and methods", async () => {
    expect((await api.req("GET", "/api/v1/nope")).status).toBe(404);
    expect((await api.req("GET", "/api/v2/workflows")).status).toBe(404);
    const r = await api.req("PUT", "/api/v1/workflows");
    expect([r.status, r.headers.get("allow")]).toEqual([405, "GET, POST"]);
    expect((await api.req("POST", "/api/v1/runs/x/attestation")).status).toBe(405);
  });

  test("path splitting", () => {
    expect(splitPath("/api/v1/workflows/p%20q/")).toEqual(["api", "v1", "workflows", "p q"]);
    expect(() => splitPath("/a/%2e")).toThrow("'.' or '..'");
  });
});

describe("no input makes it answer 500", () => {
  test("random methods, paths, headers and bodies", async () => {
    const methods = ["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS"];
    const bits = ["api", "v1", "workflows", "contracts", "runs", "by-digest", "attestation", "discover", "tokens", "orgs", "whoami", "blobs", "apply", "p1", "build", api.runs.p1build.runId!, api.runs.p1build.digest, sha("x"), "%41", "%zz", "", "💥", "a".repeat(70)];
    const bodies = [undefined, "", "{}", "[]", '{"name":1}', '{"name":"x","project":"p1","contract":"../../x"}', '{"name":"x","project":"p1","skipIfExists":"yes"}', '{"text":"kind: Contract"}', "\u0000\u0001", '{"organization":"other","name":"t"}'];
    let seed = 42;
    const pick = <T>(xs: T[]): T => xs[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % xs.length]!;
    const tokens = Object.values(api.tokens);
    for (let i = 0; i < 400; i++) {
      const path = `/api/v1/${Array.from({ length: 1 + (i % 4) }, () => pick(bits)).join("/")}?limit=${pick(["1", "x", "", "99999"])}&next=${pick(["", "e30", "W10"])}&revision=${pick(["1", "-1", "a"])}`;
      const method = pick(methods);
      const raw = pick(bodies);
      const r = await api.req(method, path, { token: pick(tokens), raw: method === "GET" ? undefined : raw });
      if (r.status >= 500) throw new Error(`${r.status} for ${path}: ${r.text}`);
    }
    expect(api.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
  });

  test("a bug (not a CairnError) is a generic 500, logged with its stack", async () => {
    const r = await api.req("GET", "/boom", { token: null });
    expect(r.status).toBe(500);
    expect(r.body.error).toEqual({ code: "INTERNAL", message: "internal server error; the server log has the details" });
    expect(api.logs.some((l) => l.startsWith("ERROR GET /boom: Error: a bug in the web view"))).toBe(true);
  });
});

describe("the web seam, logging, first-start admin token", () => {
  test("non-/api paths go to the web handler, with a session only for a valid cookie", async () => {
    expect((await api.req("GET", "/dash", { token: null })).text).toBe("login please");
    expect((await api.req("GET", "/dash", { token: null, headers: { Cookie: `a=b; cairn_session=${api.tokens.other}` } })).text).toBe("hello other");
    expect((await api.req("GET", "/dash", { token: null, headers: { Cookie: `cairn_session=${api.tokens.revoked}` } })).text).toBe("login please");
    expect((await api.req("GET", "/elsewhere", { token: null })).status).toBe(404);
  });

  test("one line per request with method, path, status and time; never a token or a query", async () => {
    await api.req("GET", "/api/v1/runs?next=secret-cursor");
    expect(api.logs.at(-1)).toMatch(/^GET \/api\/v1\/runs 400 \d+\.\dms$/);
    const all = api.logs.join("\n");
    for (const t of Object.values(api.tokens)) expect(all).not.toContain(t.slice(6));
    expect(all).not.toContain("secret-cursor");
  });

  test("the admin token is made once per store", async () => {
    expect((await ensureAdminToken(api.s.app))).toBeUndefined();
  });
});
