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
    // rows as cairn 0.1 (schema 001) wrote them: plain SQL, since today's repository speaks the newest schema
    old.exec(`
      INSERT INTO organizations (id, name, created_at) VALUES ('org-1', 'default', '${NOW}');
      INSERT INTO projects (id, org_id, name, created_at) VALUES ('prj-1', 'org-1', 'p', '${NOW}');
      INSERT INTO contracts (id, org_id, name, created_at) VALUES ('c-1', 'org-1', 'c', '${NOW}');
      INSERT INTO contract_revisions VALUES ('c-1', 1, 'schemaVersion: v1', 'yaml', 'sha256:x', '${NOW}');
      INSERT INTO workflows (id, org_id, project_id, name, team, contract_id, created_at) VALUES ('wf-1', 'org-1', 'prj-1', 'w', 't', 'c-1', '${NOW}');
      INSERT INTO workflow_runs (id, org_id, workflow_id, state, runner_type, contract_revision_used, contract_revision_latest, created_at)
        VALUES ('run-1', 'org-1', 'wf-1', 'initialized', 'RUNNER_TYPE_UNSPECIFIED', 1, 1, '${NOW}');
    `);
    const org = { id: "org-1" };
    const wf = { id: "wf-1" };
    old.close();

    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const upgraded = new SqliteRepo(db);
    expect(upgraded.findWorkflow(org.id, "p", "w")).toMatchObject({ id: wf.id, team: "t", contractName: "c" });
    expect(upgraded.getRun("run-1")).toMatchObject({ workflowId: wf.id, state: "initialized" });
    expect(db.query("SELECT runs_count, last_run_id FROM workflows").all()).toEqual([{ runs_count: 1, last_run_id: "run-1" }]); // backfilled
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
