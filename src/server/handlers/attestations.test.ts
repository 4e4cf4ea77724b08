// Verified push over HTTP: keys registered through the API, a bundle crafted and signed as a remote client would.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPair, publicKeyPem } from "../../signing/keys.ts";
import { craft, type Crafted } from "../../services/control/ingest.testutil.ts";
import { apiFixture, sha, type Api } from "../api.testutil.ts";
import { webHandler } from "../web/index.ts";

let api: Api;
let run: Crafted;
beforeAll(async () => {
  api = await apiFixture();
  run = await craft(api.s, api.s.app, { binary: "remote build output\n" }, { workflow: "build", project: "p1" });
});
afterAll(() => api.cleanup());

const push = (bytes: Uint8Array, token?: string) => api.req("POST", "/api/v1/attestations", { raw: bytes, token });

describe("POST /api/v1/attestations", () => {
  test("refused until the signer's key is registered; then stored once, re-push is idempotent", async () => {
    const bundle = await run.sign();
    const refused = await push(bundle);
    expect([refused.status, refused.body.error.code]).toEqual([422, "VERIFY_FAILED"]);
    expect(refused.body.error.hint).toContain("org key add");

    const key = await api.req("POST", "/api/v1/keys", { body: { name: "ci", publicKey: publicKeyPem(api.s.key.publicKey) } });
    expect([key.status, key.body.name, key.body.status]).toEqual([201, "ci", "active"]);
    expect((await api.req("GET", "/api/v1/keys")).body.items.map((k: { name: string }) => k.name)).toEqual(["ci"]);

    const stored = await push(bundle);
    expect([stored.status, stored.body.digest, stored.body.created]).toEqual([201, sha(bundle), true]);
    expect(stored.body.runUrl).toBeUndefined(); // no web view on this server: no page to name
    expect((await api.req("GET", `/api/v1/runs/${run.runId}`)).body.run.state).toBe("succeeded");
    const again = await push(bundle);
    expect([again.status, again.body.created]).toEqual([200, false]);
    const attestation = await api.req("GET", `/api/v1/runs/${run.runId}/attestation`);
    expect(sha(attestation.text)).toBe(sha(bundle)); // the bundle is ASCII JSON: its text is its bytes
  });

  test("another organization's token cannot push into this organization's run: 404, nothing stored", async () => {
    const next = await craft(api.s, api.s.app, { binary: "second build\n" }, { workflow: "build", project: "p1" });
    const r = await push(await next.sign(), api.tokens.other);
    expect(r.status).toBe(422); // its organization has no keys: refused before the run is even looked up
    await api.req("POST", "/api/v1/keys", { token: api.tokens.other, body: { name: "ci", publicKey: publicKeyPem(api.s.key.publicKey) } });
    const scoped = await push(await next.sign(), api.tokens.other);
    expect([scoped.status, scoped.body.error.code]).toEqual([404, "NOT_FOUND"]);
    expect((await api.req("GET", `/api/v1/runs/${next.runId}`)).body.run.state).toBe("initialized");
  });

  test("a bundle signed by an unregistered key, or not JSON, is refused with a reason", async () => {
    const next = await craft(api.s, api.s.app, { binary: "third build\n" }, { workflow: "build", project: "p1" });
    const stranger = await push(await next.sign(generateKeyPair("ecdsa-p256").privateKey));
    expect([stranger.status, stranger.body.error.code]).toEqual([422, "VERIFY_FAILED"]);
    const junk = await push(new TextEncoder().encode("not json"));
    expect(junk.status).toBeGreaterThanOrEqual(400);
    expect(junk.status).toBeLessThan(500);
  });

  test("keys: a private key or junk is refused; removal stops verification", async () => {
    const bad = await api.req("POST", "/api/v1/keys", { body: { name: "junk", publicKey: "-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----\n" } });
    expect(bad.status).toBe(400);
    expect((await api.req("DELETE", "/api/v1/keys/ci")).body.status).toBe("removed");
    const next = await craft(api.s, api.s.app, { binary: "fourth build\n" }, { workflow: "build", project: "p1" });
    expect((await push(await next.sign())).status).toBe(422);
  });
});

describe("POST /api/v1/attestations on a server with the web view", () => {
  test("the answer names the run's page under the public URL", async () => {
    const web = await apiFixture({ web: webHandler });
    try {
      const next = await craft(web.s, web.s.app, { binary: "web build\n" }, { workflow: "build", project: "p1" });
      await web.req("POST", "/api/v1/keys", { body: { name: "ci", publicKey: publicKeyPem(web.s.key.publicKey) } });
      const stored = await web.req("POST", "/api/v1/attestations", { raw: await next.sign() });
      expect(stored.status).toBe(201);
      expect(stored.body.runUrl).toBe(`${web.url}/runs/${next.runId}`);
    } finally {
      await web.cleanup();
    }
  });
});
