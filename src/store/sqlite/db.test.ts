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

  test("011: blocked pushes become state blocked; policy status from the gate's reason; rowids, indexes and trigger kept", () => {
    const path = join(dir, "before-011.db");
    const old = new Database(path, { create: true, strict: true });
    old.exec("PRAGMA foreign_keys=ON");
    const at = MIGRATIONS.findIndex((m) => m.name === "011-run-policy-status");
    migrate(old, path, MIGRATIONS.slice(0, at)); // what cairn wrote just before 011
    const run = (id: string, state: string, reason: string | null, digest: string | null) =>
      `INSERT INTO workflow_runs (id, org_id, workflow_id, state, reason, runner_type, contract_revision_used, contract_revision_latest, attestation_digest, created_at)
        VALUES ('${id}', 'org-1', 'wf-1', '${state}', ${reason === null ? "NULL" : `'${reason}'`}, 'LOCAL', 1, 1, ${digest === null ? "NULL" : `'${digest}'`}, '${NOW}');`;
    old.exec(`
      INSERT INTO organizations (id, name, created_at) VALUES ('org-1', 'default', '${NOW}');
      INSERT INTO projects (id, org_id, name, created_at) VALUES ('prj-1', 'org-1', 'p', '${NOW}');
      INSERT INTO contracts (id, org_id, name, created_at) VALUES ('c-1', 'org-1', 'c', '${NOW}');
      INSERT INTO contract_revisions (contract_id, revision, body, body_format, digest, created_at) VALUES ('c-1', 1, 'schemaVersion: v1', 'yaml', 'sha256:x', '${NOW}');
      INSERT INTO workflows (id, org_id, project_id, name, team, contract_id, created_at) VALUES ('wf-1', 'org-1', 'prj-1', 'w', 't', 'c-1', '${NOW}');
      ${run("plain", "succeeded", null, "sha256:a")}
      ${run("blocked", "succeeded", "blocked: 2 gated policy violations", "sha256:b")}
      ${run("bypassed", "succeeded", "policy gate bypassed (1 gated violation)", "sha256:c")}
      ${run("failed", "failed", "blocked: by hand", null)}
      ${run("open", "initialized", null, null)}
      INSERT INTO attestations VALUES ('sha256:b', 'org-1', 'blocked', 'wf-1', 'p', 1, '${NOW}');
    `);
    const rowids = old.query("SELECT id, rowid FROM workflow_runs ORDER BY id").all();
    old.close();

    const db = openDatabase(path);
    const rows = db.query("SELECT id, state, policy_status AS policy, pushed_by AS pushedBy, reason FROM workflow_runs ORDER BY rowid").all();
    expect(rows).toEqual([
      { id: "plain", state: "succeeded", policy: null, pushedBy: null, reason: null }, // unknown: only the statement knows
      { id: "blocked", state: "blocked", policy: "blocked", pushedBy: null, reason: "blocked: 2 gated policy violations" },
      { id: "bypassed", state: "succeeded", policy: "bypassed", pushedBy: null, reason: "policy gate bypassed (1 gated violation)" },
      { id: "failed", state: "failed", policy: null, pushedBy: null, reason: "blocked: by hand" },
      { id: "open", state: "initialized", policy: null, pushedBy: null, reason: null },
    ]);
    expect(db.query("SELECT id, rowid FROM workflow_runs ORDER BY id").all()).toEqual(rowids);
    const schema = (db.query("SELECT name FROM sqlite_master WHERE tbl_name = 'workflow_runs' AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(schema).toEqual([
      "workflow_runs", "workflow_runs_by_digest", "workflow_runs_by_org", "workflow_runs_by_org_policy", "workflow_runs_by_org_state",
      "workflow_runs_by_state", "workflow_runs_by_workflow", "workflow_runs_stats",
    ]);
    expect(db.query("PRAGMA foreign_key_check").all()).toEqual([]);
    const repo = new SqliteRepo(db);
    expect(repo.getRun("blocked")).toMatchObject({ state: "blocked", policyStatus: "blocked", pushedBy: null, attestationDigest: "sha256:b" });
    // the last-run trigger still fires, and the new columns take their values (and refuse others)
    repo.createRun({ id: "new", orgId: "org-1", workflowId: "wf-1", runnerType: "LOCAL", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1, createdAt: NOW });
    expect(db.query("SELECT runs_count, last_run_id FROM workflows").get()).toEqual({ runs_count: 6, last_run_id: "new" });
    repo.finishRun("new", "blocked", NOW, "blocked: 1 gated policy violation", "sha256:d", { policyStatus: "blocked", pushedBy: "ci" });
    expect(repo.getRun("new")).toMatchObject({ state: "blocked", policyStatus: "blocked", pushedBy: "ci" });
    expect(() => db.exec("UPDATE workflow_runs SET policy_status = 'green' WHERE id = 'new'")).toThrow(/CHECK/);
    expect(() => db.exec("UPDATE workflow_runs SET state = 'running' WHERE id = 'new'")).toThrow(/CHECK/);
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
