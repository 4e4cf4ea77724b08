import { afterAll, describe, expect, test } from "bun:test";
import { makeTestPki } from "../../test/tls-certs.ts";
import { testStore } from "../services/control/runs.testutil.ts";
import { createToken } from "../services/control/tokens.ts";
import { startServer } from "./server.ts";
import { createWebHandler } from "./web/index.ts";

const pki = makeTestPki();
const s = await testStore();
const token = (await createToken(s.app, { name: "ops" })).token;
const limits = { maxBodyBytes: 1024 * 1024, maxBlobBytes: 1024 * 1024 };
const start = (tls?: { cert: string; key: string }) => startServer({ app: s.app, hostname: "127.0.0.1", port: 0, limits, web: createWebHandler(), log: () => {}, ...(tls && { tls }) });
const https = start({ cert: pki.read(pki.cert), key: pki.read(pki.key) });
const http = start();
afterAll(async () => {
  await https.stop(500);
  await http.stop(500);
  s.cleanup();
  pki.cleanup();
});

const login = (base: string, init: BunFetchRequestInit = {}) =>
  fetch(`${base}/login`, { method: "POST", body: new URLSearchParams({ token, next: "/" }), redirect: "manual", ...init });

describe("startServer with tls", () => {
  test("its url is https, and the session cookie is Secure there (and only there)", async () => {
    expect(https.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const secure = await login(https.url, { tls: { ca: pki.read(pki.ca) } });
    expect(secure.status).toBe(303);
    expect(secure.headers.get("set-cookie")).toMatch(/^cairn_session=cairn_.*; HttpOnly; SameSite=Strict; Secure$/);
    expect(http.url).toStartWith("http://");
    const plain = await login(http.url);
    expect(plain.headers.get("set-cookie")).not.toContain("Secure");
  });

  test("the API answers over TLS as over http", async () => {
    const res = await fetch(`${https.url}/api/v1/whoami`, { headers: { Authorization: `Bearer ${token}` }, tls: { ca: pki.read(pki.ca) } });
    expect([res.status, ((await res.json()) as { organization: string }).organization]).toEqual([200, "default"]);
  });
});
