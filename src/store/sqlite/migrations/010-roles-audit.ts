import type { Migration } from "./index.ts";

/**
 * Authority in `cairn serve`: every API token gets exactly one role, mapped so nobody loses what they legitimately
 * did (the instance admin stays admin, organization-level tokens become maintainers, project- and workflow-scoped
 * tokens attestors); who created contract revisions, workflows, tokens and keys (`token:<name>` or `local`; NULL for
 * rows older than this migration); workflows an attestor created implicitly at `att init`; the organization's
 * choice to allow that (on by default, as Chainloop); and the append-only audit trail of the API.
 */
export const rolesAudit: Migration = {
  name: "010-roles-audit",
  up(db) {
    db.exec(`
      ALTER TABLE api_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'attestor'
        CHECK (role IN ('viewer', 'attestor', 'maintainer', 'admin'));
      UPDATE api_tokens SET role = CASE
        WHEN is_admin = 1 THEN 'admin'
        WHEN project_id IS NULL AND workflow_id IS NULL THEN 'maintainer'
        ELSE 'attestor' END;
      ALTER TABLE api_tokens ADD COLUMN created_by TEXT;
      ALTER TABLE workflows ADD COLUMN created_by TEXT;
      ALTER TABLE workflows ADD COLUMN implicit INTEGER NOT NULL DEFAULT 0 CHECK (implicit IN (0, 1));
      ALTER TABLE contract_revisions ADD COLUMN created_by TEXT;
      ALTER TABLE org_keys ADD COLUMN created_by TEXT;
      ALTER TABLE organizations ADD COLUMN implicit_workflows INTEGER NOT NULL DEFAULT 1 CHECK (implicit_workflows IN (0, 1));

      CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        at TEXT NOT NULL,
        token_id TEXT,
        actor TEXT NOT NULL,
        role TEXT,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL,
        status INTEGER
      );
      CREATE INDEX audit_events_by_org ON audit_events (org_id, id DESC);
      -- Append-only below the API too: a stray UPDATE or DELETE fails instead of rewriting history.
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
    `);
  },
};
