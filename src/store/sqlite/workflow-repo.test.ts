import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate, openDatabase, schemaVersion } from "./db.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import { SqliteRepo } from "./sqlite-repo.ts";
import { SqliteWorkflowRepo, workflowListQuery } from "./workflow-repo.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-wfrepo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = "2025-01-01T00:00:00.000Z";
const T1 = "2025-01-01T00:00:01.000Z";

describe("migration 003: soft-deletable contracts", () => {
  test("a store at schema 2 upgrades in place: contracts keep ids and data, references stay valid", () => {
    const path = join(dir, "v2.db");
    const old = new Database(path, { create: true, strict: true });
    old.exec("PRAGMA foreign_keys=ON");
    migrate(old, path, MIGRATIONS.slice(0, 2));
    old.exec(`
      INSERT INTO organizations VALUES ('o', 'default', '${T0}');
      INSERT INTO projects VALUES ('p', 'o', 'skynet', '${T0}');
      INSERT INTO contracts (id, org_id, name, description, created_at, updated_at) VALUES ('c', 'o', 'shared', 'desc', '${T0}', '${T1}');
      INSERT INTO contract_revisions VALUES ('c', 1, 'schemaVersion: v1', 'yaml', 'sha256:x', '${T0}');
      INSERT INTO workflows (id, org_id, project_id, name, contract_id, created_at) VALUES ('w', 'o', 'p', 'build', 'c', '${T0}');
    `);
    old.close();

    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.query("PRAGMA foreign_key_check").all()).toEqual([]);
    const repo = new SqliteWorkflowRepo(db);
    expect(repo.getContract("o", "shared")).toEqual({ id: "c", orgId: "o", name: "shared", description: "desc", latestRevision: 1, workflowsCount: 1, createdAt: T0, updatedAt: T1 });
    expect(repo.getWorkflow("o", "skynet", "build")).toMatchObject({ contractName: "shared", contractLatestRevision: 1, runsCount: 0, lastRun: null });
    db.close();
  });

  test("names are unique among live contracts only; lookups ignore deleted ones", () => {
    const db = openDatabase(join(dir, "names.db"));
    const repo = new SqliteRepo(db);
    const wf = new SqliteWorkflowRepo(db);
    const org = repo.ensureOrg("default", T0);
    const first = repo.createContract(org.id, "c", null, T0);
    expect(() => repo.createContract(org.id, "c", null, T0)).toThrow("contract c already exists in organization");
    wf.deleteContract(first.id, T1);
    expect(repo.findContractByName(org.id, "c")).toBeUndefined();
    expect(wf.getContract(org.id, "c")).toBeUndefined();
    const second = repo.createContract(org.id, "c", null, T1);
    expect(repo.findContractByName(org.id, "c")?.id).toBe(second.id);
    db.close();
  });
});

describe("workflow queries", () => {
  const db = openDatabase(join(dir, "q.db"));
  afterAll(() => db.close());
  const repo = new SqliteRepo(db);
  const wf = new SqliteWorkflowRepo(db);
  const org = repo.ensureOrg("default", T0);
  const project = repo.ensureProject(org.id, "skynet", T0);
  const c = repo.createContract(org.id, "c", null, T0);
  repo.addRevision(c.id, "{}", "json", "sha256:1", T0, "local");
  repo.addRevision(c.id, "{ }", "json", "sha256:2", T1, "local");

  test("the last run is the newest; counts include every run; deleted workflows are not listed", () => {
    const w = repo.createWorkflow({ orgId: org.id, projectId: project.id, name: "build", team: "core", description: null, contractId: c.id, createdBy: "local" }, T0);
    const run = { orgId: org.id, workflowId: w.id, runnerType: "RUNNER_TYPE_UNSPECIFIED", runnerUrl: null, contractRevisionLatest: 2 };
    repo.createRun({ ...run, id: "r1", contractRevisionUsed: 2, createdAt: T0 });
    repo.createRun({ ...run, id: "r2", contractRevisionUsed: 1, createdAt: T1 });
    repo.finishRun("r2", "failed", T1, "boom", null);
    expect(wf.getWorkflow(org.id, "skynet", "build")).toMatchObject({
      contractLatestRevision: 2,
      runsCount: 2,
      lastRun: { id: "r2", state: "failed", createdAt: T1, contractRevisionUsed: 1 },
    });
    expect(wf.listWorkflows({ orgId: org.id, team: "core", limit: 10 }).map((x) => x.name)).toEqual(["build"]);
    expect(wf.workflowsUsing(c.id)).toEqual([{ project: "skynet", name: "build" }]);
    wf.deleteWorkflow(w.id, T1);
    expect(wf.listWorkflows({ orgId: org.id, limit: 10 })).toEqual([]);
    expect(wf.getWorkflow(org.id, "skynet", "build")).toBeUndefined();
    expect(wf.workflowsUsing(c.id)).toEqual([]);
    expect(wf.getContract(org.id, "c")?.workflowsCount).toBe(0);
  });

  test("a workflow page walks workflows_by_org in ORDER BY order, with or without filters", () => {
    const after = { createdAt: T1, id: "x" };
    for (const q of [{ orgId: "o", limit: 51 }, { orgId: "o", limit: 51, after }, { orgId: "o", limit: 51, project: "p", team: "t", after }]) {
      const { sql, params } = workflowListQuery(q);
      const plan = (db.query(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(" | ");
      expect(plan).toContain("SEARCH w USING INDEX workflows_by_org");
      expect(plan).not.toContain("TEMP B-TREE");
    }
  });
});
