import type { Database } from "bun:sqlite";
import type { Migration } from "./index.ts";

/**
 * The run state `blocked` (an attestation stored, but a policy gate violated), and per run `policy_status` (the
 * attestation's policy verdict: passed, violations, blocked, bypassed or none; NULL without an attestation) and
 * `pushed_by` (the name of the token that pushed it to `cairn serve`; NULL when pushed locally or unknown).
 *
 * The state's CHECK constraint cannot be altered, so workflow_runs is rebuilt (SQLite's 12-step procedure) from its
 * own stored definition: whatever columns, indexes and triggers earlier migrations gave it are kept, and rowids too
 * (compliance and the last-run trigger order ties by rowid). db.ts runs this with foreign keys off and checks every
 * reference before committing.
 *
 * Existing runs are mapped from the reason the gate wrote: "blocked: …" → state blocked, policy_status blocked;
 * "policy gate bypassed …" → policy_status bypassed. Every other attested run keeps policy_status NULL, which the
 * services show as `unknown`: its verdict is in the statement, in the CAS, which a migration cannot read.
 */
export const runPolicyStatus: Migration = {
  name: "011-run-policy-status",
  up(db) {
    rebuildWithBlockedState(db);
    db.exec(`
      ALTER TABLE workflow_runs ADD COLUMN policy_status TEXT
        CHECK (policy_status IS NULL OR policy_status IN ('passed','violations','blocked','bypassed','none'));
      ALTER TABLE workflow_runs ADD COLUMN pushed_by TEXT;
      UPDATE workflow_runs SET state = 'blocked', policy_status = 'blocked'
        WHERE state = 'succeeded' AND attestation_digest IS NOT NULL AND reason LIKE 'blocked:%';
      UPDATE workflow_runs SET policy_status = 'bypassed'
        WHERE state = 'succeeded' AND attestation_digest IS NOT NULL AND reason LIKE 'policy gate bypassed%';
      -- workflow run list --policy-status P, as 006's index serves --status S; runs without a status are left out
      CREATE INDEX workflow_runs_by_org_policy ON workflow_runs (org_id, policy_status, created_at DESC, id) WHERE policy_status IS NOT NULL;
    `);
  },
};

const OLD_CHECK = /CHECK \(state IN \('initialized','succeeded','failed','cancelled','expired'\)\)/;
const NEW_CHECK = "CHECK (state IN ('initialized','succeeded','blocked','failed','cancelled','expired'))";

function rebuildWithBlockedState(db: Database): void {
  const table = db.query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'workflow_runs'").get() as { sql: string } | null;
  const head = /^CREATE TABLE\s+("?)workflow_runs\1\s*\(/;
  if (!table || !head.test(table.sql) || !OLD_CHECK.test(table.sql)) throw new Error("011-run-policy-status: workflow_runs is not in the shape it expects");
  const created = table.sql.replace(head, "CREATE TABLE workflow_runs_new (").replace(OLD_CHECK, NEW_CHECK);
  // Indexes and triggers on the table are dropped with it: saved here, recreated after the rename.
  const dependents = db.query("SELECT sql FROM sqlite_master WHERE tbl_name = 'workflow_runs' AND type IN ('index', 'trigger') AND sql IS NOT NULL").all() as { sql: string }[];
  const columns = (db.query("PRAGMA table_info(workflow_runs)").all() as { name: string }[]).map((c) => `"${c.name}"`).join(", ");
  db.exec(created);
  db.exec(`INSERT INTO workflow_runs_new (rowid, ${columns}) SELECT rowid, ${columns} FROM workflow_runs`);
  db.exec("DROP TABLE workflow_runs");
  // Legacy rename: only the table's own definition changes. Triggers and views elsewhere that name workflow_runs
  // already mean the new table, and a modern rename would re-check them while the name is briefly missing.
  db.exec("PRAGMA legacy_alter_table=ON");
  try {
    db.exec("ALTER TABLE workflow_runs_new RENAME TO workflow_runs");
  } finally {
    db.exec("PRAGMA legacy_alter_table=OFF");
  }
  for (const d of dependents) db.exec(d.sql);
}
