import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { auditRepoContract } from "../contracts/audit-port.contract.testutil.ts";
import { PgAuditRepo } from "./audit-repo.ts";
import { pgStore } from "./pg-ports.testutil.ts";
import { testDatabase } from "./pg.testutil.ts";

setDefaultTimeout(60_000);
const { open, skip } = pgStore((db) => new PgAuditRepo(db));
if (skip) test.skip(`PgAuditRepo: AuditRepo contract (skipped: ${skip})`, () => {});
else auditRepoContract("PgAuditRepo", open);

describe.skipIf(skip !== undefined)("PgAuditRepo: what is particular to PostgreSQL", () => {
  test("the trail is append-only below the API: UPDATE, DELETE and TRUNCATE fail", async () => {
    const t = (await testDatabase())!;
    try {
      await t.db.query("INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'acme', 'x')");
      await new PgAuditRepo(t.db).append({ orgId: "o1", at: "x", tokenId: null, actor: "local", role: null, action: "a", target: "", outcome: "ok", status: null });
      for (const q of ["UPDATE audit_events SET outcome = 'forged'", "DELETE FROM audit_events", "TRUNCATE audit_events"]) {
        await expect(t.db.query(q)).rejects.toThrow("audit events are append-only");
      }
      expect(await t.db.query("SELECT outcome FROM audit_events")).toEqual([{ outcome: "ok" }]);
    } finally {
      await t.drop();
    }
  });
});
