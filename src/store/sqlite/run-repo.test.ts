import { afterAll, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunQuery } from "../run-port.ts";
import { openDatabase } from "./db.ts";
import { byDigestSql, runListQuery, SqliteRunRepo } from "./run-repo.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-runrepo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plan(db: Database, sql: string, params: (string | number)[]): string {
  return (db.query(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(" | ");
}

/** With a million runs the bench needs pages in milliseconds: each query must start from the right index. */
describe("run queries use their index", () => {
  const db = openDatabase(join(dir, "plan.db"));
  afterAll(() => db.close());
  const q: RunQuery = { orgId: "o", limit: 51 };
  const after = { createdAt: "2025-01-01T00:00:00.000Z", id: "x" };

  test("unfiltered and project pages walk workflow_runs_by_org in ORDER BY order (no sort)", () => {
    for (const query of [q, { ...q, after }, { ...q, project: "p" }]) {
      const { sql, params } = runListQuery(query);
      const p = plan(db, sql, params);
      expect(p).toContain("SEARCH r USING INDEX workflow_runs_by_org (org_id=?");
      expect(p).not.toContain("TEMP B-TREE");
    }
  });

  test("--status pages, rare states too, walk workflow_runs_by_org_state in ORDER BY order", () => {
    for (const state of ["succeeded", "blocked", "cancelled", "initialized"] as const) {
      const { sql, params } = runListQuery({ ...q, state, after });
      const p = plan(db, sql, params);
      expect(p).toContain("SEARCH r USING INDEX workflow_runs_by_org_state (org_id=? AND state=? AND created_at<?)");
      expect(p).not.toContain("TEMP B-TREE");
    }
  });

  test("--policy-status pages walk workflow_runs_by_org_policy in ORDER BY order; with --status, the state index", () => {
    for (const policyStatus of ["blocked", "none", "passed"] as const) {
      const { sql, params } = runListQuery({ ...q, policyStatus, after });
      const p = plan(db, sql, params);
      expect(p).toContain("SEARCH r USING INDEX workflow_runs_by_org_policy (org_id=? AND policy_status=? AND created_at<?)");
      expect(p).not.toContain("TEMP B-TREE");
    }
    const both = runListQuery({ ...q, state: "succeeded", policyStatus: "bypassed" });
    expect(plan(db, both.sql, both.params)).toContain("USING INDEX workflow_runs_by_org_state (org_id=? AND state=?)");
    const wf = runListQuery({ ...q, workflow: "w", policyStatus: "blocked" }, ["id1"]);
    expect(plan(db, wf.sql, wf.params)).toContain("USING INDEX workflow_runs_by_workflow (workflow_id=?");
  });

  test("--workflow starts from workflow_runs_by_workflow", () => {
    const wf = runListQuery({ ...q, workflow: "w" }, ["id1"]);
    expect(plan(db, wf.sql, wf.params)).toContain("USING INDEX workflow_runs_by_workflow (workflow_id=?");
  });

  test("runs by attestation digest use workflow_runs_by_digest, also for a page of digests", () => {
    expect(plan(db, byDigestSql(50), [...Array(50).fill("sha256:x"), "o"])).toContain("USING INDEX workflow_runs_by_digest");
  });

  test("expiry updates through the partial index", () => {
    const p = plan(db, "UPDATE workflow_runs SET state = 'expired', finished_at = ?, reason = ? WHERE state = 'initialized' AND created_at < ?", ["a", "b", "c"]);
    expect(p).toContain("workflow_runs_by_state");
  });

  test("a state outside the closed set is never inlined into SQL", () => {
    expect(() => runListQuery({ ...q, state: "x' OR 1=1 --" as never })).toThrow();
    expect(() => runListQuery({ ...q, policyStatus: "x' OR 1=1 --" as never })).toThrow();
    expect(new SqliteRunRepo(db).list({ ...q, workflow: "none" })).toEqual([]);
  });
});
