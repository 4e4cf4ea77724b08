import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { createWebHandler } from "../../src/server/web/index.ts";
import { addOrgKey, verificationKeys } from "../../src/services/control/org-keys.ts";
import { publicKeyPem } from "../../src/signing/keys.ts";
import { seedEveryState, type Seeded } from "../../src/server/web/seed.testutil.ts";
import { testStore } from "../../src/services/control/runs.testutil.ts";
import { createToken } from "../../src/services/control/tokens.ts";
import { CHROMIUM, CHROMIUM_ARGS, startWebServer, type WebServer } from "./web-server.ts";

const ARTIFACTS = resolve(import.meta.dir, "../../test-artifacts");
const SKIP = existsSync(CHROMIUM) ? undefined : `SKIPPED: ${CHROMIUM} is not installed (apt-get install chromium); the operator view was not tested in a browser`;
if (SKIP) console.warn(SKIP);

describe.skipIf(SKIP !== undefined)("operator view in chromium", async () => {
  const s = await testStore();
  let seeded: Seeded;
  let token = "";
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    seeded = await seedEveryState(s);
    token = (await createToken(s.app, { name: "secops" })).token;
    await addOrgKey(s.app, { name: "ci", pem: publicKeyPem(s.key.publicKey), source: "test" }); // the seed's signer
    server = startWebServer(s.app, createWebHandler({ verificationKeys }));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // CSP violations and failed loads show up as console errors: there must be none.
    page.on("console", (m) => void (m.type() === "error" && problems.push(m.text())));
    page.on("pageerror", (e) => void problems.push(e.message));
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    s.cleanup();
  });

  test("log in with a token; a wrong one is refused with the reason", async () => {
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.fill("input[name=token]", "cairn_wrong");
    await page.click("button[type=submit]");
    expect(await page.textContent("#login-error")).toContain("API token is malformed");
    await page.fill("input[name=token]", token);
    await page.click("button[type=submit]");
    await page.waitForURL(`${server.url}/`);
    expect(await page.textContent("header")).toContain("default");
  }, 30_000);

  test("the dashboard shows the counts and every workflow's compliance state, styled", async () => {
    const count = async (state: string) => (await page.textContent(`a.count[data-state="${state}"] strong`))?.trim();
    expect([await count("never_run"), await count("blocked"), await count("failing"), await count("stale"), await count("behind"), await count("passing")]).toEqual(["1", "1", "2", "1", "1", "1"]);
    for (const [name, state] of Object.entries(seeded.expected)) {
      const row = page.locator(`tr[data-workflow$="/${name}"]`);
      expect(await row.getAttribute("data-compliance")).toBe(state);
    }
    expect(await page.textContent(`tr[data-workflow="skynet/release"]`)).toContain("sbom");
    // the embedded stylesheet loaded under the CSP: a failing badge has its colour
    const badge = page.locator(`tr[data-workflow="orbit/deploy"] .badge.s-failing`);
    type Styles = { getComputedStyle(el: unknown): { backgroundColor: string } }; // runs in the page; no DOM types here
    const bg = await badge.evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).backgroundColor);
    expect(bg).toBe("rgb(253, 232, 230)");
    await page.click(`a.count[data-state="failing"]`);
    await page.waitForURL(/state=failing/);
    expect(await page.locator("tr[data-workflow]").count()).toBe(2);
    await page.click(`a.count[data-state="all"]`);
    await page.waitForURL(`${server.url}/`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "operator-view.png"), fullPage: true });
    expect(existsSync(join(ARTIFACTS, "operator-view.png"))).toBe(true);
  }, 30_000);

  test("a blocked run: its own counter in the failing colour, the filter, the workflow page and the run page", async () => {
    type Styles = { getComputedStyle(el: unknown): { backgroundColor: string; borderTopColor: string; color: string } };
    const style = (selector: string) => page.locator(selector).first().evaluate((el) => {
      const s = (globalThis as unknown as Styles).getComputedStyle(el);
      return { bg: s.backgroundColor, border: s.borderTopColor, color: s.color };
    });
    const FAIL = "rgb(180, 35, 24)"; // --fail
    const FAIL_BG = "rgb(253, 232, 230)"; // --fail-bg
    await page.goto(`${server.url}/`);
    // the blocked and failing counters sit side by side, both red while non-zero
    const order = await page.locator("a.count").evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { state: string } }).dataset.state));
    expect(order.slice(0, 3)).toEqual(["never_run", "blocked", "failing"]);
    expect(await style(`a.count[data-state="blocked"]`)).toEqual({ bg: FAIL_BG, border: FAIL, color: "rgb(29, 35, 48)" });
    expect(await style(`a.count[data-state="failing"]`)).toMatchObject({ bg: FAIL_BG, border: FAIL });
    expect((await style(`tr[data-workflow="orbit/scan"] .badge.s-blocked`)).bg).toBe(FAIL);
    await page.click(`a.count[data-state="blocked"]`);
    await page.waitForURL(/state=blocked/);
    expect(await page.locator("tr[data-workflow]").count()).toBe(1);
    expect(await page.textContent(`tr[data-workflow="orbit/scan"]`)).toContain("the last run was blocked: 1 gated policy violation");

    await page.click(`tr[data-workflow="orbit/scan"] a:has-text("scan")`);
    await page.waitForURL(`${server.url}/workflows/orbit/scan`);
    const row = page.locator(`#runs tr[data-run="${seeded.blockedRunId}"]`);
    expect(await row.getAttribute("data-state")).toBe("blocked");
    expect(await row.locator(".badge.r-blocked").textContent()).toBe("blocked");
    expect(await row.locator("[data-policy]").getAttribute("data-policy")).toBe("blocked");
    expect(await row.textContent()).toContain("local");
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "workflow-page.png"), fullPage: true });

    await row.locator(`a[href="/runs/${seeded.blockedRunId}"]`).click();
    await page.waitForURL(`${server.url}/runs/${seeded.blockedRunId}`);
    expect(await page.textContent("h1 .badge")).toBe("blocked");
    expect((await style("h1 .badge.r-blocked")).bg).toBe(FAIL);
    expect(await page.textContent("#policy-banner")).toContain("Blocked:");
    expect(await page.textContent("main")).not.toContain("succeeded");
    await page.goto(`${server.url}/`); // where the next test starts
  }, 30_000);

  test("clicking through to a run shows its materials and the verification result", async () => {
    await page.click(`tr[data-workflow="skynet/build"] a:has-text("succeeded run")`);
    await page.waitForURL(`${server.url}/runs/${seeded.build.runId}`);
    const binary = page.locator(`#materials tr[data-material="binary"]`);
    expect(await binary.textContent()).toContain("ARTIFACT");
    expect(await binary.locator(".digest").getAttribute("title")).toBe(seeded.binaryDigest);
    expect(await page.textContent(`#materials tr[data-material="tag"]`)).toContain("v1.2.3");
    expect(await page.textContent("#verification")).toContain("Signature verified");
    expect(await page.textContent("#signer-key")).toBe("ci");
    expect(await page.textContent("#statement")).toContain("https://in-toto.io/Statement/v1");
    const download = await page.locator(`#materials tr[data-material="binary"] a:has-text("download")`).getAttribute("href");
    const r = await page.request.get(`${server.url}${download}`);
    expect(await r.text()).toBe("the app binary\n");
  }, 30_000);

  test("discover: paste the material digest, see the attestations referring to it, follow one to its run", async () => {
    await page.click("header nav a:has-text('Discover')");
    await page.fill("input[name=digest]", seeded.binaryDigest);
    await page.click("button:has-text('Discover')");
    await page.waitForURL(/\/discover\?digest=/);
    const referrers = page.locator(`#referred-by .node[data-kind="ATTESTATION"]`);
    expect(await referrers.count()).toBe(2); // the release and the build runs both attested the binary
    await page.click(`#referred-by a[href="/runs/${seeded.build.runId}"]`);
    await page.waitForURL(`${server.url}/runs/${seeded.build.runId}`);
  }, 30_000);

  test("contract history and a diff between revisions", async () => {
    await page.goto(`${server.url}/contracts/release`);
    await page.click(`tr[data-revision="2"] a:has-text("diff with 1")`);
    await page.waitForURL(/from=1&to=2/);
    expect(await page.textContent("#diff .add")).toContain("name: sbom");
    expect(await page.textContent("#changes li.add")).toBe("material sbom (ARTIFACT), required");
  }, 30_000);

  test("log out ends the session; no page broke the content security policy", async () => {
    await page.goto(`${server.url}/`);
    await page.click("header button:has-text('Log out')");
    await page.waitForURL(/\/login$/);
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    // the one expected console error is the refused login's 401
    expect(problems.filter((p) => !p.includes("status of 401"))).toEqual([]);
  }, 30_000);
});
