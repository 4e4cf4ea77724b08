import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { createWebHandler } from "../../src/server/web/index.ts";
import { addOrgKey, verificationKeys } from "../../src/services/control/org-keys.ts";
import { testStore } from "../../src/services/control/runs.testutil.ts";
import { createToken } from "../../src/services/control/tokens.ts";
import { createWorkflow } from "../../src/services/control/workflows.ts";
import { addMaterial } from "../../src/services/crafting/add.ts";
import { initAttestation } from "../../src/services/crafting/init.ts";
import { pushAttestation } from "../../src/services/crafting/push.ts";
import { keyId, publicKeyPem } from "../../src/signing/keys.ts";
import { CHROMIUM, CHROMIUM_ARGS, startWebServer, type WebServer } from "./web-server.ts";

const ARTIFACTS = resolve(import.meta.dir, "../../test-artifacts");
const SKIP = existsSync(CHROMIUM) ? undefined : `SKIPPED: ${CHROMIUM} is not installed (apt-get install chromium); the run page was not measured in a browser`;
if (SKIP) console.warn(SKIP);

const LONG = "release-artifacts-for-the-linux-amd64-and-arm64-builds-of-the-operator-console-with-debug-symbols";
// File names and annotation values with no break opportunity: only overflow-wrap can fold them.
const UNBROKEN = LONG.replaceAll("-", "_");

describe.skipIf(SKIP !== undefined)("run page fits the window", async () => {
  const s = await testStore();
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  let runId = "";
  let digest = "";

  beforeAll(async () => {
    await createWorkflow(s.app, { name: "wide", project: "skynet" });
    runId = (await initAttestation(s.app, { workflow: "wide", project: "skynet", dryRun: false, replace: true })).workflow.runId!;
    for (let i = 1; i <= 4; i++) {
      const file = s.file(`${UNBROKEN}_${i}.tar.gz`, `artifact ${i}\n`);
      const annotations = { "org.opencontainers.image.source": `https://git.example.com/platform/${UNBROKEN}/tree/main/build/${i}` };
      await addMaterial(s.app, { name: `${LONG}-${i}`, kind: "ARTIFACT", value: file, annotations, strict: true });
    }
    await addMaterial(s.app, { name: "notes", kind: "STRING", value: `${UNBROKEN}${UNBROKEN}`, annotations: {}, strict: true });
    await pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {} });
    digest = `sha256:${createHash("sha256").update("artifact 1\n").digest("hex")}`;
    await addOrgKey(s.app, { name: "release-signer", pem: publicKeyPem(s.key.publicKey), source: "test" });
    server = startWebServer(s.app, createWebHandler({ verificationKeys }));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill("input[name=token]", (await createToken(s.app, { name: "secops" })).token);
    await page.click("button[type=submit]");
    await page.waitForURL(`${server.url}/`);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    s.cleanup();
  });

  type Doc = { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
  for (const [width, height] of [[1400, 900], [1024, 768]] as const) {
    test(`at ${width} × ${height} no horizontal scroll; digests short with the full value in the title`, async () => {
      await page.setViewportSize({ width, height });
      await page.goto(`${server.url}/runs/${runId}`);
      const { scroll, inner } = await page.evaluate(() => {
        const w = globalThis as unknown as Doc;
        return { scroll: w.document.documentElement.scrollWidth, inner: w.innerWidth };
      });
      console.log(`run page at ${width}px: scrollWidth ${scroll}, innerWidth ${inner}`);
      expect(scroll).toBeLessThanOrEqual(inner);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `run-page-${width}.png`), fullPage: true });
      const cell = page.locator(`#materials tr[data-material="${LONG}-1"] .digest`);
      expect((await cell.textContent())?.trim()).toBe(`${digest.slice(0, 15)}…`);
      expect(await cell.getAttribute("title")).toBe(digest);
    }, 30_000);
  }

  test("the signer is shown by its registered key name with the key id beside it", async () => {
    const text = await page.textContent("#verification");
    expect(text).toContain("Signature verified");
    expect(await page.textContent("#signer-key")).toBe("release-signer");
    expect(text).toContain(keyId(s.key.publicKey));
  }, 30_000);
});
