import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { loadConfig } from "../config.ts";
import { createAppContext, type AppContext } from "../context.ts";
import { checkIssuerInput, issuersPath } from "../oidc/issuers.ts";
import { addOidcIssuer, removeOidcIssuer } from "../services/oidc-issuers.ts";
import { cachedIssuers, ISSUERS_MAX_AGE_MS, loadTrustServices } from "./trust.ts";

const GH = "https://token.actions.githubusercontent.com";
const dir = mkdtempSync(join(tmpdir(), "cairn-trust-"));
const apps: AppContext[] = [];
beforeAll(async () => {
  const { publicKey } = await generateKeyPair("ES256");
  writeFileSync(join(dir, "gh.jwks"), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1" }] }));
});
afterAll(async () => {
  for (const a of apps) await a.close();
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;
const open = async () => {
  const app = await createAppContext(loadConfig({ HOME: dir, CAIRN_HOME: join(dir, `h${n++}`) }, {}, dir, false));
  apps.push(app);
  return app;
};
const gh = { issuer: GH, jwksFile: "gh.jwks", audience: "sigstore" };

describe("the CI issuers `cairn serve` checks tokens against", () => {
  test(`read from the store at most once per ${ISSUERS_MAX_AGE_MS} ms: an add and a removal are seen once that has passed, not before`, async () => {
    const app = await open();
    let t = 0;
    const external = cachedIssuers(app.oidcIssuers, ISSUERS_MAX_AGE_MS, () => t);
    const issuers = async () => (await external()).map((i) => i.issuer);
    expect(await issuers()).toEqual([]);
    await addOidcIssuer(app, gh);
    t = ISSUERS_MAX_AGE_MS - 1;
    expect(await issuers()).toEqual([]);
    t = ISSUERS_MAX_AGE_MS;
    expect(await issuers()).toEqual([GH]);
    await removeOidcIssuer(app, GH);
    t += ISSUERS_MAX_AGE_MS - 1;
    expect(await issuers()).toEqual([GH]);
    t += 1;
    expect(await issuers()).toEqual([]);
  });

  test("calls at once share one read; a failed read is those calls' error, and the next call reads again", async () => {
    const app = await open();
    await addOidcIssuer(app, gh);
    let t = 0;
    let reads = 0;
    let fail = false;
    const external = cachedIssuers({ list: async () => (reads++, fail ? Promise.reject(new Error("connection lost")) : app.oidcIssuers.list()) }, 1000, () => t);
    expect((await Promise.all([external(), external(), external()])).map((l) => l.length)).toEqual([1, 1, 1]);
    expect(reads).toBe(1);
    t = 1000;
    fail = true;
    const failed = await Promise.allSettled([external(), external()]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(reads).toBe(2);
    fail = false;
    expect(await external()).toHaveLength(1);
    expect(reads).toBe(3);
  });

  test("opening serve's trust services imports the home's legacy issuers.json first", async () => {
    const app = await open();
    const home = app.config.home;
    mkdirSync(join(home, "oidc"), { recursive: true });
    writeFileSync(issuersPath(home), JSON.stringify({ version: 1, issuers: [{ ...(await checkIssuerInput(dir, gh)), addedAt: "2026-01-01T00:00:00.000Z" }] }));
    const trust = await loadTrustServices(app);
    expect((await trust.oidc!.external()).map((i) => [i.issuer, i.addedAt])).toEqual([[GH, "2026-01-01T00:00:00.000Z"]]);
    expect([existsSync(issuersPath(home)), existsSync(`${issuersPath(home)}.imported`)]).toEqual([false, true]);
  });
});
