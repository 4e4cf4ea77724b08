import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { migrate, openDatabase, schemaVersion } from "./db.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import { SqliteRepo } from "./sqlite-repo.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-db-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = "2026-11-01T00:00:00.000Z";

describe("migrations", () => {
  test("a store created by an older migration set opens and upgrades in place, keeping its data", () => {
    const path = join(dir, "old.db");
    const old = new Database(path, { create: true, strict: true });
    old.exec("PRAGMA foreign_keys=ON");
    migrate(old, path, MIGRATIONS.slice(0, 1)); // what cairn with only 001 wrote
    const repo = new SqliteRepo(old);
    const org = repo.ensureOrg("default", NOW);
    const project = repo.ensureProject(org.id, "p", NOW);
    const c = repo.createContract(org.id, "c", null, NOW);
    repo.addRevision(c.id, "schemaVersion: v1\n", "yaml", "sha256:x", NOW);
    const wf = repo.createWorkflow({ orgId: org.id, projectId: project.id, name: "w", team: "t", description: null, contractId: c.id }, NOW);
    repo.createRun({ id: "run-1", orgId: org.id, workflowId: wf.id, runnerType: "RUNNER_TYPE_UNSPECIFIED", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1, createdAt: NOW });
    old.close();

    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const upgraded = new SqliteRepo(db);
    expect(upgraded.findWorkflow(org.id, "p", "w")).toMatchObject({ id: wf.id, team: "t", contractName: "c" });
    expect(upgraded.getRun("run-1")).toMatchObject({ workflowId: wf.id, state: "initialized" });
    expect(db.query("PRAGMA foreign_key_check").all()).toEqual([]);
    db.close();
  });

  test("a store from a newer cairn is refused with a clear error and left untouched", async () => {
    const path = join(dir, "new.db");
    const db = new Database(path, { create: true });
    db.exec(`PRAGMA user_version=${MIGRATIONS.length + 1}`);
    db.close();
    const e = await expectCode(() => openDatabase(path), "STORE_INVALID");
    expect(e.message).toContain("newer");
    const again = new Database(path, { readonly: true });
    expect(schemaVersion(again)).toBe(MIGRATIONS.length + 1);
    again.close();
  });
});
