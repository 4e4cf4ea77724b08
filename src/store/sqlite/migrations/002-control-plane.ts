import type { Migration } from "./index.ts";

/**
 * The control plane: soft-deletable workflows (names reusable after delete), project versions, run expiry
 * support, API tokens (hash only), the referrer graph, standalone uploads, and settings (current organization).
 */
export const controlPlane: Migration = {
  name: "002-control-plane",
  up(db) {
    db.exec(`
      CREATE TABLE workflows_new (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        project_id TEXT NOT NULL REFERENCES projects(id),
        name TEXT NOT NULL,
        team TEXT,
        description TEXT,
        contract_id TEXT NOT NULL REFERENCES contracts(id),
        created_at TEXT NOT NULL,
        updated_at TEXT,
        deleted_at TEXT
      );
      INSERT INTO workflows_new (id, org_id, project_id, name, team, description, contract_id, created_at)
        SELECT id, org_id, project_id, name, team, description, contract_id, created_at FROM workflows;
      DROP TABLE workflows;
      ALTER TABLE workflows_new RENAME TO workflows;
      CREATE UNIQUE INDEX workflows_live_name ON workflows (project_id, name) WHERE deleted_at IS NULL;
      CREATE INDEX workflows_by_org ON workflows (org_id, created_at DESC, id);

      ALTER TABLE contracts ADD COLUMN updated_at TEXT;

      CREATE TABLE project_versions (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        version TEXT NOT NULL,
        prerelease INTEGER NOT NULL DEFAULT 1,
        released_at TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (project_id, version)
      );
      ALTER TABLE workflow_runs ADD COLUMN project_version_id TEXT REFERENCES project_versions(id);
      CREATE INDEX workflow_runs_by_state ON workflow_runs (state, created_at) WHERE state = 'initialized';
      CREATE INDEX workflow_runs_by_digest ON workflow_runs (attestation_digest) WHERE attestation_digest IS NOT NULL;

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
        last_used_at TEXT
      );
      CREATE INDEX api_tokens_by_org ON api_tokens (org_id, created_at DESC);

      -- Referrer graph: one node per (org, digest, kind); edges point from an attestation to what it references.
      CREATE TABLE referrers (
        id INTEGER PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        digest TEXT NOT NULL,
        kind TEXT NOT NULL,
        downloadable INTEGER NOT NULL DEFAULT 0,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        UNIQUE (org_id, digest, kind)
      );
      CREATE TABLE referrer_edges (
        from_id INTEGER NOT NULL REFERENCES referrers(id),
        to_id INTEGER NOT NULL REFERENCES referrers(id),
        PRIMARY KEY (from_id, to_id)
      ) WITHOUT ROWID;
      CREATE INDEX referrer_edges_to ON referrer_edges (to_id, from_id);

      -- Blobs uploaded on their own (artifact upload): referenced, so gc keeps them.
      CREATE TABLE uploads (
        digest TEXT NOT NULL,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        name TEXT,
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (org_id, digest)
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
