// Service-level races between `cairn serve` replicas on one PostgreSQL database: each "replica" is an AppContext of
// its own (its own pool), so the only thing they share is the database.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import { createAppContext, type AppContext } from "../context.ts";
import { ensureAdminToken } from "../server/bootstrap.ts";
import { pgMissing, testDatabase, type TestDatabase } from "../store/pg/pg.testutil.ts";
import { parseContractText, registerRevision } from "./contracts.ts";

setDefaultTimeout(60_000);
const skip = pgMissing();
let pg: TestDatabase;
const dirs: string[] = [];
const apps: AppContext[] = [];

async function replica(): Promise<AppContext> {
  const home = mkdtempSync(join(tmpdir(), "cairn-replica-"));
  dirs.push(home);
  const app = await createAppContext(loadConfig({ CAIRN_DATABASE_URL: pg.url }, { home }, home, false));
  apps.push(app);
  return app;
}

beforeAll(async () => {
  if (!skip) pg = (await testDatabase({ migrate: false }))!;
});
afterAll(async () => {
  for (const a of apps) await a.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await pg?.drop();
});

describe.skipIf(skip !== undefined)(`replicas racing on one PostgreSQL database${skip ? ` (skipped: ${skip})` : ""}`, () => {
  test("four replicas opening a fresh database at once: one schema, one admin token", async () => {
    const four = await Promise.all([0, 1, 2, 3].map(() => replica()));
    const made = await Promise.all(four.map((a) => ensureAdminToken(a)));
    expect(made.filter((t) => t !== undefined)).toHaveLength(1);
    expect(await four[0]!.orgs.hasAdminToken()).toBe(true);
  });

  test("the same new contract registered through four replicas at once: one contract, one revision", async () => {
    const four = await Promise.all([0, 1, 2, 3].map(() => replica()));
    const org = await four[0]!.repo.ensureOrg("default", "2026-01-01T00:00:00.000Z");
    const loaded = parseContractText("schemaVersion: v1\nmaterials:\n  - name: sbom\n    type: SBOM_CYCLONEDX_JSON\n", "c.yaml");
    const revs = await Promise.all(four.map((a) => registerRevision(a, org.id, "shared", loaded, "2026-01-01T00:00:00.000Z", "local")));
    expect(new Set(revs.map((r) => `${r.contractId}#${r.revision}`)).size).toBe(1);
    const c = (await four[0]!.repo.findContractByName(org.id, "shared"))!;
    expect((await four[0]!.repo.latestRevision(c.id))!.revision).toBe(1);
  });
});
