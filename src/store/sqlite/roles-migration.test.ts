// Migration 010 on a store written just before it: every token gets the role that keeps what it legitimately did.
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate, openDatabase } from "./db.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import { SqliteOrgRepo } from "./org-repo.ts";
import { SqliteAuditRepo } from "./audit-repo.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-010-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = "2026-11-01T00:00:00.000Z";

test("010: the instance admin stays admin, organization tokens become maintainers, scoped ones attestors; nothing else changes", () => {
  const path = join(dir, "before-010.db");
  const old = new Database(path, { create: true, strict: true });
  old.exec("PRAGMA foreign_keys=ON");
  migrate(old, path, MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === "010-roles-audit")));
  const token = (id: string, project: string | null, workflow: string | null, admin: number) =>
    `INSERT INTO api_tokens (id, org_id, name, project_id, workflow_id, token_hash, created_at, is_admin)
      VALUES ('${id}', 'org-1', '${id}', ${project ? `'${project}'` : "NULL"}, ${workflow ? `'${workflow}'` : "NULL"}, 'hash-${id}', '${NOW}', ${admin});`;
  old.exec(`
    INSERT INTO organizations (id, name, created_at) VALUES ('org-1', 'default', '${NOW}');
    INSERT INTO projects (id, org_id, name, created_at) VALUES ('prj-1', 'org-1', 'p', '${NOW}');
    INSERT INTO contracts (id, org_id, name, created_at) VALUES ('c-1', 'org-1', 'c', '${NOW}');
    INSERT INTO contract_revisions (contract_id, revision, body, body_format, digest, created_at) VALUES ('c-1', 1, 'schemaVersion: v1', 'yaml', 'sha256:x', '${NOW}');
    INSERT INTO workflows (id, org_id, project_id, name, contract_id, created_at) VALUES ('wf-1', 'org-1', 'prj-1', 'w', 'c-1', '${NOW}');
    ${token("boot", null, null, 1)}
    ${token("org", null, null, 0)}
    ${token("proj", "prj-1", null, 0)}
    ${token("wf", "prj-1", "wf-1", 0)}
  `);
  old.close();

  const db = openDatabase(path);
  const orgs = new SqliteOrgRepo(db);
  const role = (id: string) => orgs.getToken("org-1", id)!;
  expect(["boot", "org", "proj", "wf"].map((id) => [id, role(id).role, role(id).admin, role(id).createdBy])).toEqual([
    ["boot", "admin", true, null],
    ["org", "maintainer", false, null],
    ["proj", "attestor", false, null],
    ["wf", "attestor", false, null],
  ]);
  expect(orgs.implicitWorkflows("org-1")).toBe(true); // on by default, as before
  expect(db.query("SELECT created_by, implicit FROM workflows").all()).toEqual([{ created_by: null, implicit: 0 }]);
  expect(() => db.exec("UPDATE api_tokens SET role = 'root'")).toThrow(/CHECK/);
  db.close();
});

test("the audit trail is append-only below the API too", () => {
  const db = openDatabase(join(dir, "audit.db"));
  db.exec(`INSERT INTO organizations (id, name, created_at) VALUES ('org-1', 'default', '${NOW}')`);
  const audit = new SqliteAuditRepo(db);
  const row = { orgId: "org-1", at: NOW, tokenId: "t", actor: "token:ci", role: "attestor", action: "contract.update", target: "contract c", outcome: "refused: FORBIDDEN", status: 403 };
  audit.append(row);
  audit.append({ ...row, action: "push", target: "run r", outcome: "ok", status: 201 });
  expect(() => db.exec("UPDATE audit_events SET outcome = 'ok'")).toThrow(/append-only/);
  expect(() => db.exec("DELETE FROM audit_events")).toThrow(/append-only/);
  expect(audit.list({ orgId: "org-1", limit: 10 }).map((e) => e.action)).toEqual(["push", "contract.update"]);
  expect(audit.list({ orgId: "org-1", limit: 10, action: "contract.*" }).map((e) => e.outcome)).toEqual(["refused: FORBIDDEN"]);
  expect(audit.list({ orgId: "org-1", limit: 10, outcome: "refused" }).map((e) => e.action)).toEqual(["contract.update"]);
  expect(audit.list({ orgId: "org-1", limit: 10, outcome: "ok", actor: "token:ci" }).map((e) => e.action)).toEqual(["push"]);
  expect(audit.list({ orgId: "org-2", limit: 10 })).toEqual([]);
  db.close();
});
