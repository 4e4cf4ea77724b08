import type { Migration } from "./index.ts";

/** Organizations, projects, contracts with revisions, workflows, runs and attestations. */
export const init: Migration = {
  name: "001-init",
  up(db) {
    db.exec(`
      CREATE TABLE organizations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (org_id, name)
      );
      CREATE TABLE contracts (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        name TEXT NOT NULL,
        description TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (org_id, name)
      );
      CREATE TABLE contract_revisions (
        contract_id TEXT NOT NULL REFERENCES contracts(id),
        revision INTEGER NOT NULL,
        body TEXT NOT NULL,
        body_format TEXT NOT NULL CHECK (body_format IN ('yaml', 'json')),
        digest TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (contract_id, revision)
      );
      CREATE TABLE workflows (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        project_id TEXT NOT NULL REFERENCES projects(id),
        name TEXT NOT NULL,
        team TEXT,
        description TEXT,
        contract_id TEXT NOT NULL REFERENCES contracts(id),
        created_at TEXT NOT NULL,
        UNIQUE (project_id, name)
      );
      CREATE TABLE workflow_runs (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        workflow_id TEXT NOT NULL REFERENCES workflows(id),
        state TEXT NOT NULL CHECK (state IN ('initialized','succeeded','failed','cancelled','expired')),
        reason TEXT,
        runner_type TEXT NOT NULL,
        runner_url TEXT,
        contract_revision_used INTEGER NOT NULL,
        contract_revision_latest INTEGER NOT NULL,
        attestation_digest TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX workflow_runs_by_workflow ON workflow_runs (workflow_id, created_at DESC);
      CREATE INDEX workflow_runs_by_org ON workflow_runs (org_id, created_at DESC, id);
      CREATE TABLE attestations (
        digest TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        run_id TEXT NOT NULL REFERENCES workflow_runs(id),
        workflow_id TEXT NOT NULL REFERENCES workflows(id),
        predicate_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX attestations_by_run ON attestations (run_id);
    `);
  },
};
