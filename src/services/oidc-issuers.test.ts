import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { loadConfig } from "../config.ts";
import { createAppContext, type AppContext } from "../context.ts";
import { checkIssuerInput, issuersPath, type ExternalIssuer } from "../oidc/issuers.ts";
import { pgMissing, testDatabase, type TestDatabase } from "../store/pg/pg.testutil.ts";
import { expectCode } from "../test-helpers.ts";
import { addOidcIssuer, listOidcIssuers, removeOidcIssuer } from "./oidc-issuers.ts";
import { importLegacyIssuers } from "./oidc-issuers-import.ts";
import { migrateStore } from "./control/store-migrate.ts";

const GH = "https://token.actions.githubusercontent.com";
const GL = "https://gitlab.com";
const CI = "https://ci.example";
const FIXED = "2030-01-02T03:04:05.000Z";
const dir = mkdtempSync(join(tmpdir(), "cairn-oidc-issuers-"));
const apps: AppContext[] = [];
beforeAll(async () => {
  for (const f of ["a.jwks", "b.jwks"]) {
    const { publicKey } = await generateKeyPair("ES256");
    writeFileSync(join(dir, f), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: f }] }));
  }
});
afterAll(async () => {
  for (const a of apps) await a.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A command's context on a home (a fresh one unless given): its own SQLite store, or `database`; warnings collected. */
async function open(database?: string, home = join(dir, `h${n++}`)) {
  const warnings: string[] = [];
  const env = { HOME: dir, CAIRN_HOME: home, CAIRN_FIXED_TIME: FIXED, ...(database && { CAIRN_DATABASE_URL: database }) };
  const app = await createAppContext(loadConfig(env, {}, dir, false), { reporter: { warn: (m) => void warnings.push(m) } });
  apps.push(app);
  const close = async () => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  return { app, warnings, home, close };
}

/** A registration as an older cairn wrote it into <home>/oidc/issuers.json. */
const registration = async (issuer: string, jwksFile: string, extra: { audience?: string; org?: string } = {}): Promise<ExternalIssuer> => ({
  ...(await checkIssuerInput(dir, { issuer, jwksFile, audience: "sigstore", ...extra })),
  addedAt: "2026-01-01T00:00:00.000Z",
});
const legacyFile = (home: string, issuers: ExternalIssuer[]) => {
  mkdirSync(join(home, "oidc"), { recursive: true });
  writeFileSync(issuersPath(home), `${JSON.stringify({ version: 1, issuers }, null, 2)}\n`);
};
const importedNote = (home: string, issuers: string[]) =>
  `imported ${issuers.length} OIDC issuer(s) from ${issuersPath(home)} into the store (${issuers.join(", ")}); the file is now ${issuersPath(home)}.imported`;
const conflict = (home: string, issuer: string) =>
  `${issuersPath(home)}: OIDC issuer ${issuer} is registered in the store with another audience, org or JWKS; the store's registration is kept, the file's is not imported`;

describe("CI issuers in the store", () => {
  test("add, list, remove: the next command on the home sees them; nothing is written under <home>/oidc", async () => {
    const { app, home } = await open();
    const gh = await addOidcIssuer(app, { issuer: GH, jwksFile: "a.jwks", audience: "sigstore", org: "acme" });
    expect(gh).toMatchObject({ issuer: GH, audience: "sigstore", org: "acme", jwksFile: join(dir, "a.jwks"), addedAt: FIXED });
    expect(gh.jwks.keys[0]).toMatchObject({ kty: "EC", kid: "a.jwks" });
    const gl = await addOidcIssuer(app, { issuer: GL, jwksFile: "b.jwks", audience: "cairn" });
    const next = (await open(undefined, home)).app;
    expect(await listOidcIssuers(next)).toEqual([gl, gh]);
    expect(existsSync(join(home, "oidc"))).toBe(false);
    expect((await removeOidcIssuer(next, GL)).audience).toBe("cairn");
    expect((await listOidcIssuers(app)).map((i) => i.issuer)).toEqual([GH]);
  });

  test("refusals: a second add is ALREADY_EXISTS, an unknown issuer NOT_FOUND (naming one that differs by a slash); a refused add stores nothing", async () => {
    const { app } = await open();
    const gh = await addOidcIssuer(app, { issuer: GH, jwksFile: "a.jwks", audience: "sigstore" });
    const dup = await expectCode(() => addOidcIssuer(app, { issuer: GH, jwksFile: "b.jwks", audience: "other" }), "ALREADY_EXISTS");
    expect([dup.message, dup.hint]).toEqual([`OIDC issuer ${GH} is already registered`, `to replace its keys or audience, run \`cairn ca oidc remove --issuer ${GH}\` first`]);
    expect((await expectCode(() => removeOidcIssuer(app, "https://nope.example"), "NOT_FOUND")).hint).toBe("list them with `cairn ca oidc list`");
    const slash = await expectCode(() => removeOidcIssuer(app, `${GH}/`), "NOT_FOUND");
    expect([slash.message, slash.hint]).toEqual([`OIDC issuer ${GH}/ is not registered`, `did you mean ${GH}? issuers are compared byte for byte, trailing slash included`]);
    await expectCode(() => addOidcIssuer(app, { issuer: CI, jwksFile: "a.jwks", audience: " " }), "USAGE");
    await expectCode(() => addOidcIssuer(app, { issuer: "http://ci.example", jwksFile: "a.jwks", audience: "sigstore" }), "USAGE");
    await expectCode(() => addOidcIssuer(app, { issuer: CI, jwksFile: "missing.jwks", audience: "sigstore" }), "NOT_FOUND");
    expect(await listOidcIssuers(app)).toEqual([gh]);
  });
});

describe("a home's legacy oidc/issuers.json", () => {
  test("its issuers move into the store on first use, as written, and the file becomes issuers.json.imported; once", async () => {
    const { app, home, warnings } = await open();
    const [gh, gl] = [await registration(GH, "a.jwks", { org: "acme" }), await registration(GL, "b.jwks")];
    legacyFile(home, [gh, gl]);
    expect(await listOidcIssuers(app)).toEqual([gl, gh]);
    expect(existsSync(issuersPath(home))).toBe(false);
    expect(JSON.parse(readFileSync(`${issuersPath(home)}.imported`, "utf8")).issuers).toEqual([gh, gl]);
    expect(warnings).toEqual([importedNote(home, [GH, GL])]);
    expect(await listOidcIssuers(app)).toEqual([gl, gh]);
    expect(await importLegacyIssuers(app)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    // Removed is removed: the imported file is not read again.
    await removeOidcIssuer(app, GL);
    expect(await listOidcIssuers((await open(undefined, home)).app)).toEqual([gh]);
  });

  test("add and remove import it first: a remove of a file's issuer removes it, an add of one is ALREADY_EXISTS", async () => {
    const { app, home } = await open();
    legacyFile(home, [await registration(GH, "a.jwks"), await registration(GL, "a.jwks")]);
    await expectCode(() => addOidcIssuer(app, { issuer: GH, jwksFile: "b.jwks", audience: "sigstore" }), "ALREADY_EXISTS");
    legacyFile(home, [await registration(CI, "a.jwks")]);
    await removeOidcIssuer(app, CI);
    expect((await listOidcIssuers(app)).map((i) => i.issuer)).toEqual([GL, GH]);
  });

  test("an issuer the store has already: the store's registration is kept, a warning names the file when the file's differs", async () => {
    const { app, home, warnings } = await open();
    const gh = await addOidcIssuer(app, { issuer: GH, jwksFile: "a.jwks", audience: "sigstore", org: "acme" });
    const ci = await addOidcIssuer(app, { issuer: CI, jwksFile: "b.jwks", audience: "sigstore" });
    // The file is back (restored from a backup, or the import stopped before its rename): GH with other keys and no org, CI as stored, GL new.
    const gl = await registration(GL, "b.jwks");
    legacyFile(home, [await registration(GH, "b.jwks"), ci, gl]);
    expect(await importLegacyIssuers(app)).toEqual({ file: issuersPath(home), imported: [GL], kept: [GH, CI] });
    expect(warnings).toEqual([conflict(home, GH), importedNote(home, [GL])]);
    expect(await listOidcIssuers(app)).toEqual([ci, gl, gh]);
    const { org: _, ...noOrg } = gh;
    for (const differs of [{ ...gh, audience: "other" }, noOrg]) {
      warnings.length = 0;
      legacyFile(home, [differs]);
      await importLegacyIssuers(app);
      expect(warnings).toEqual([conflict(home, GH)]);
    }
    legacyFile(home, [gh]);
    warnings.length = 0;
    expect(await importLegacyIssuers(app)).toEqual({ file: issuersPath(home), imported: [], kept: [GH] });
    expect(warnings).toEqual([]);
  });

  test("a damaged file stops every `ca oidc` call, naming it, and stays where it is", async () => {
    const { app, home } = await open();
    legacyFile(home, []);
    writeFileSync(issuersPath(home), "{");
    for (const call of [() => listOidcIssuers(app), () => addOidcIssuer(app, { issuer: GH, jwksFile: "a.jwks", audience: "sigstore" }), () => removeOidcIssuer(app, GH)]) {
      const e = await expectCode(call, "STORE_INVALID");
      expect(e.message).toBe(`${issuersPath(home)} is damaged: it is not valid JSON`);
    }
    expect(existsSync(issuersPath(home))).toBe(true);
  });
});

const skip = pgMissing();
describe.skipIf(skip !== undefined)(`CI issuers on PostgreSQL: replicas' homes and an operator's machine on one database${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pg: TestDatabase;
  beforeAll(async () => void (pg = (await testDatabase())!), 60_000);
  afterAll(async () => pg?.drop());

  test("each replica imports its own file: what another replica imported is kept, a different registration warned about; adds race to one", async () => {
    const [a, b, operator] = [await open(pg.url), await open(pg.url), await open(pg.url)];
    // Registered on every replica, as before: the same GH on both, and a GL that b got with other keys.
    const [gh, gl] = [await registration(GH, "a.jwks"), await registration(GL, "a.jwks")];
    legacyFile(a.home, [gh, gl]);
    legacyFile(b.home, [gh, await registration(GL, "b.jwks")]);
    expect(await listOidcIssuers(a.app)).toEqual([gl, gh]);
    expect(await listOidcIssuers(b.app)).toEqual([gl, gh]);
    expect(a.warnings).toEqual([importedNote(a.home, [GH, GL])]);
    expect(b.warnings).toEqual([conflict(b.home, GL)]);
    expect(await listOidcIssuers(operator.app)).toEqual([gl, gh]);

    const added = await Promise.allSettled([a, b, operator].map((x) => addOidcIssuer(x.app, { issuer: CI, jwksFile: "a.jwks", audience: "sigstore" })));
    expect(added.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of added) if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("ALREADY_EXISTS");

    await removeOidcIssuer(operator.app, GH);
    expect((await listOidcIssuers(a.app)).map((i) => i.issuer)).toEqual([CI, GL]);
    await expectCode(() => removeOidcIssuer(b.app, GH), "NOT_FOUND");
  });

  test("`store migrate` carries a home's issuers into the database, those of its legacy file too", async () => {
    const target = (await testDatabase({ migrate: false }))!;
    try {
      const { app, home, warnings } = await open();
      const ci = await addOidcIssuer(app, { issuer: CI, jwksFile: "a.jwks", audience: "sigstore" });
      const gh = await registration(GH, "b.jwks", { org: "acme" });
      legacyFile(home, [gh]);
      const r = await migrateStore({ from: home, to: target.url, home: app.config, reporter: app.reporter });
      expect(r.tables.oidc_issuers).toBe(2);
      expect(warnings).toEqual([importedNote(home, [GH])]);
      const migrated = await open(target.url);
      expect(await listOidcIssuers(migrated.app)).toEqual([ci, gh]);
      await migrated.close();
    } finally {
      await target.drop();
    }
  });
});
