// The operator view over TLS in chromium: the browser trusts exactly the test server's certificate (pinned by its
// public key), the session cookie is Secure, and the dashboard renders.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { makeTestPki } from "../tls-certs.ts";
import { createWebHandler } from "../../src/server/web/index.ts";
import { seedEveryState } from "../../src/server/web/seed.testutil.ts";
import { testStore } from "../../src/services/control/runs.testutil.ts";
import { createToken } from "../../src/services/control/tokens.ts";
import { CHROMIUM, CHROMIUM_ARGS, startWebServer, type WebServer } from "./web-server.ts";

const SKIP = existsSync(CHROMIUM) ? undefined : `SKIPPED: ${CHROMIUM} is not installed (apt-get install chromium); the operator view over TLS was not tested in a browser`;
if (SKIP) console.warn(SKIP);

describe.skipIf(SKIP !== undefined)("operator view over TLS in chromium", async () => {
  const s = await testStore();
  const pki = makeTestPki();
  let token = "";
  let server: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    await seedEveryState(s);
    token = (await createToken(s.app, { name: "secops" })).token;
    server = startWebServer(s.app, createWebHandler(), { cert: pki.read(pki.cert), key: pki.read(pki.key) });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${pki.spkiHash}`] });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    s.cleanup();
    pki.cleanup();
  });

  test("log in over https: the cairn_session cookie is Secure (and HttpOnly, SameSite=Strict), the dashboard renders", async () => {
    expect(server.url).toStartWith("https://127.0.0.1:");
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => void (m.type() === "error" && problems.push(m.text())));
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.fill("input[name=token]", token);
    await page.click("button[type=submit]");
    await page.waitForURL(`${server.url}/`);
    const cookie = (await context.cookies()).find((c) => c.name === "cairn_session");
    expect(cookie).toMatchObject({ value: token, secure: true, httpOnly: true, sameSite: "Strict", domain: "127.0.0.1" });
    expect(await page.textContent("header")).toContain("default");
    expect(await page.locator("tr[data-workflow]").count()).toBeGreaterThan(0);
    expect((await page.textContent(`a.count[data-state="failing"] strong`))?.trim()).toBe("2");
    expect(problems).toEqual([]);
    await context.close();
  }, 30_000);

  test("a certificate the browser was not told to trust is refused: the pin, not a blanket exception, lets it in", async () => {
    const other = startWebServer(s.app, createWebHandler(), { cert: pki.read(pki.otherCert), key: pki.read(pki.otherKey) });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const failed = await page.goto(`${other.url}/login`).then(() => "loaded", (e: Error) => e.message);
      expect(failed).toContain("ERR_CERT_AUTHORITY_INVALID");
    } finally {
      await context.close();
      await other.stop();
    }
  }, 30_000);
});
