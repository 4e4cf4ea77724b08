/**
 * Part of the PostgreSQL baseline (001-baseline.ts): organizations, projects, contracts, workflows, runs, attestations,
 * attestation states and API tokens.
 * Plain TEXT here; the migration makes every TEXT column COLLATE "C".
 */
export const RUN_TABLES = `
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  max_blob_bytes BIGINT,
  implicit_workflows BOOLEAN NOT NULL DEFAULT true
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
  updated_at TEXT,
  deleted_at TEXT
);
CREATE UNIQUE INDEX contracts_live_name ON contracts (org_id, name) WHERE deleted_at IS NULL;
CREATE TABLE contract_revisions (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  contract_id TEXT NOT NULL REFERENCES contracts(id),
  revision INTEGER NOT NULL,
  body TEXT NOT NULL,
  body_format TEXT NOT NULL CHECK (body_format IN ('yaml', 'json')),
  digest TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT,
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
  updated_at TEXT,
  deleted_at TEXT,
  runs_count INTEGER NOT NULL DEFAULT 0,
  last_run_id TEXT,
  created_by TEXT,
  implicit BOOLEAN NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX workflows_live_name ON workflows (project_id, name) WHERE deleted_at IS NULL;
CREATE INDEX workflows_by_org ON workflows (org_id, created_at DESC, id);
CREATE INDEX workflows_by_contract ON workflows (contract_id) WHERE deleted_at IS NULL;
CREATE TABLE project_versions (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id),
  version TEXT NOT NULL,
  prerelease BOOLEAN NOT NULL DEFAULT true,
  released_at TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (project_id, version)
);
CREATE TABLE workflow_runs (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  workflow_id TEXT NOT NULL REFERENCES workflows(id),
  state TEXT NOT NULL CHECK (state IN ('initialized','succeeded','blocked','failed','cancelled','expired')),
  reason TEXT,
  runner_type TEXT NOT NULL,
  runner_url TEXT,
  contract_revision_used INTEGER NOT NULL,
  contract_revision_latest INTEGER NOT NULL,
  attestation_digest TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  project_version_id TEXT REFERENCES project_versions(id),
  policy_status TEXT CHECK (policy_status IS NULL OR policy_status IN ('passed','violations','blocked','bypassed','none')),
  pushed_by TEXT
);
ALTER TABLE workflows ADD CONSTRAINT workflows_last_run_id_fkey FOREIGN KEY (last_run_id) REFERENCES workflow_runs(id);
CREATE INDEX workflow_runs_by_workflow ON workflow_runs (workflow_id, created_at DESC);
CREATE INDEX workflow_runs_by_org ON workflow_runs (org_id, created_at DESC, id);
CREATE INDEX workflow_runs_by_state ON workflow_runs (state, created_at) WHERE state = 'initialized';
CREATE INDEX workflow_runs_by_digest ON workflow_runs (attestation_digest) WHERE attestation_digest IS NOT NULL;
CREATE INDEX workflow_runs_by_org_state ON workflow_runs (org_id, state, created_at DESC, id);
CREATE INDEX workflow_runs_by_org_policy ON workflow_runs (org_id, policy_status, created_at DESC, id) WHERE policy_status IS NOT NULL;
CREATE TABLE attestations (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  digest TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  run_id TEXT NOT NULL REFERENCES workflow_runs(id),
  workflow_id TEXT NOT NULL REFERENCES workflows(id),
  predicate_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX attestations_by_run ON attestations (run_id);
CREATE TABLE attestation_states (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  run_id TEXT NOT NULL REFERENCES workflow_runs(id),
  state TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  name TEXT NOT NULL,
  description TEXT,
  project_id TEXT REFERENCES projects(id),
  workflow_id TEXT REFERENCES workflows(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT,
  last_used_at TEXT,
  is_admin BOOLEAN NOT NULL DEFAULT false,
  role TEXT NOT NULL DEFAULT 'attestor' CHECK (role IN ('viewer', 'attestor', 'maintainer', 'admin')),
  created_by TEXT
);
CREATE INDEX api_tokens_by_org ON api_tokens (org_id, created_at DESC);
`;
