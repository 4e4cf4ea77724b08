import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CasMapping } from "../cas-mapping-port.ts";
import { SqliteCasMappingRepo } from "./cas-mapping-repo.ts";
import { openDatabase } from "./db.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-cas-map-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = "2026-01-01T00:00:00.000Z";
const D = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

/** Two organizations; acme has projects p1 (workflows build, test) and p2 (deploy). Plain SQL: only what mappings need. */
function store() {
  const db = openDatabase(join(dir, `${crypto.randomUUID()}.db`));
  db.exec(`
    INSERT INTO organizations (id, name, created_at) VALUES ('acme', 'acme', '${NOW}'), ('other', 'other', '${NOW}');
    INSERT INTO projects (id, org_id, name, created_at) VALUES ('p1', 'acme', 'p1', '${NOW}'), ('p2', 'acme', 'p2', '${NOW}');
    INSERT INTO contracts (id, org_id, name, created_at) VALUES ('c', 'acme', 'c', '${NOW}');
    INSERT INTO workflows (id, org_id, project_id, name, contract_id, created_at)
      VALUES ('build', 'acme', 'p1', 'build', 'c', '${NOW}'), ('test', 'acme', 'p1', 'test', 'c', '${NOW}'), ('deploy', 'acme', 'p2', 'deploy', 'c', '${NOW}');
  `);
  const ids = { acme: "acme", other: "other", p1: "p1", p2: "p2", build: "build", test: "test", deploy: "deploy" };
  const maps = new SqliteCasMappingRepo(db);
  const rows = () => db.query("SELECT org_id AS o, digest AS d, project_id AS p, workflow_id AS w, source AS s, name AS n FROM cas_mappings ORDER BY id").all();
  return { db, maps, ids, rows };
}

describe("SqliteCasMappingRepo", () => {
  test("record is idempotent per (org, digest, project, workflow), organization-wide ones too (NULLs compared as equal)", () => {
    const { maps, ids, rows } = store();
    const m: CasMapping = { orgId: ids.acme, digest: D(1), source: "upload", name: "first.bin", createdAt: NOW };
    maps.record(m);
    maps.record({ ...m, name: "second.bin", source: "attestation", createdAt: "2027-01-01T00:00:00.000Z" });
    maps.record({ ...m, scope: { projectId: ids.p1 } });
    maps.record({ ...m, scope: { projectId: ids.p1 } });
    maps.record({ ...m, scope: { workflowId: ids.build } });
    maps.record({ ...m, scope: { projectId: ids.p1, workflowId: ids.build } });
    maps.record({ ...m, orgId: ids.other });
    expect(rows()).toEqual([
      { o: ids.acme, d: D(1), p: null, w: null, s: "upload", n: "first.bin" }, // the first keeps its source and name
      { o: ids.acme, d: D(1), p: ids.p1, w: null, s: "upload", n: "first.bin" },
      { o: ids.acme, d: D(1), p: ids.p1, w: ids.build, s: "upload", n: "first.bin" }, // the workflow's project filled in
      { o: ids.other, d: D(1), p: null, w: null, s: "upload", n: "first.bin" },
    ]);
  });

  test("a workflow of another organization or project is refused, and the table refuses a workflow without a project", () => {
    const { db, maps, ids } = store();
    const m: CasMapping = { orgId: ids.other, digest: D(2), source: "upload", scope: { workflowId: ids.build }, createdAt: NOW };
    expect(() => maps.record(m)).toThrow(/workflow .* is not in organization/);
    expect(() => maps.record({ ...m, orgId: ids.acme, scope: { projectId: ids.p2, workflowId: ids.build } })).toThrow(/is not in project/);
    expect(() => db.query("INSERT INTO cas_mappings (org_id, digest, workflow_id, source, created_at) VALUES (?, ?, ?, 'x', ?)").run(ids.acme, D(2), ids.build, NOW)).toThrow(/CHECK/);
  });

  test("holds: organization-level sees every mapping; a project its project's; a workflow only its workflow's", () => {
    const { maps, ids } = store();
    const rec = (n: number, scope?: CasMapping["scope"], orgId = ids.acme) => maps.record({ orgId, digest: D(n), scope, source: "upload", createdAt: NOW });
    rec(1); // organization-wide
    rec(2, { projectId: ids.p1 }); // a p1 token's raw upload
    rec(3, { workflowId: ids.build }); // through p1/build
    rec(4, { workflowId: ids.deploy }); // through p2/deploy
    rec(5, undefined, ids.other); // another organization's
    const sees = (scope?: CasMapping["scope"], orgId = ids.acme) => [1, 2, 3, 4, 5].filter((n) => maps.holds(orgId, D(n), scope));
    expect(sees()).toEqual([1, 2, 3, 4]);
    expect(sees({})).toEqual([1, 2, 3, 4]);
    expect(sees({ projectId: ids.p1 })).toEqual([2, 3]);
    expect(sees({ projectId: ids.p2 })).toEqual([4]);
    expect(sees({ projectId: ids.p1, workflowId: ids.build })).toEqual([3]);
    expect(sees({ workflowId: ids.build })).toEqual([3]);
    expect(sees({ projectId: ids.p1, workflowId: ids.test })).toEqual([]);
    expect(sees(undefined, ids.other)).toEqual([5]);
    expect(maps.holds(ids.acme, D(9))).toBe(false);
  });

  test("nameFor: the oldest named mapping the scope sees; none without a visible name", () => {
    const { maps, ids } = store();
    const base = { orgId: ids.acme, digest: D(6), source: "upload" as const };
    maps.record({ ...base, scope: { projectId: ids.p1 }, name: "p1-secret-plan.pdf", createdAt: NOW });
    maps.record({ ...base, scope: { projectId: ids.p2 }, name: "mine.pdf", createdAt: "2026-02-01T00:00:00.000Z" });
    maps.record({ ...base, scope: { workflowId: ids.deploy }, name: null, createdAt: NOW });
    expect(maps.nameFor(ids.acme, D(6))).toBe("p1-secret-plan.pdf");
    expect(maps.nameFor(ids.acme, D(6), { projectId: ids.p2 })).toBe("mine.pdf"); // never another project's name
    expect(maps.nameFor(ids.acme, D(6), { workflowId: ids.deploy })).toBeUndefined();
    expect(maps.nameFor(ids.other, D(6))).toBeUndefined();
  });

  test("lookups seek the (org_id, digest) prefix of the key index", () => {
    const { db, ids } = store();
    const plan = (sql: string, ...p: string[]) => (db.query(`EXPLAIN QUERY PLAN ${sql}`).all(...p) as { detail: string }[]).map((r) => r.detail).join(" | ");
    const q = "SELECT 1 FROM cas_mappings WHERE org_id = ? AND digest = ? AND workflow_id = ? LIMIT 1";
    expect(plan(q, ids.acme, D(1), ids.build)).toContain("USING INDEX cas_mappings_key (org_id=? AND digest=?)");
  });
});
