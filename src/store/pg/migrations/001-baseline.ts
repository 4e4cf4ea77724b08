import type { PgMigration } from "./index.ts";

/**
 * The SQLite schema at version 16 (../../sqlite/migrations/001..016), in PostgreSQL: same tables, columns, CHECKs,
 * unique and partial indexes, triggers. What differs, and why:
 * - Every TEXT column is COLLATE "C": comparisons and ORDER BY are bytewise, as in SQLite, whatever the database's
 *   locale (names, ISO timestamps and cursors sort the same on both stores).
 * - 0/1 flags are BOOLEAN; sizes, tree indexes and ids are BIGINT (database.ts reads int8 as a JS number).
 * - SQLite's implicit rowid is an explicit `seq BIGINT GENERATED ALWAYS AS IDENTITY` where code orders or pages by it
 *   (uploads, contract_revisions' generation, workflow_runs' ties, attestations); INTEGER PRIMARY KEYs that SQLite
 *   assigns (referrers, audit_events, cas_mappings) and webhook_deliveries' AUTOINCREMENT seq are identities too.
 * - Triggers are PL/pgSQL functions; append-only tables also refuse TRUNCATE.
 */
export const baseline: PgMigration = {
  name: "001-baseline",
  async up(db) {
    await db.query(TABLES.replace(/\bTEXT\b/g, 'TEXT COLLATE "C"'));
    await db.query(TRIGGERS);
  },
};

const TABLES = `
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
CREATE TABLE referrers (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  digest TEXT NOT NULL,
  kind TEXT NOT NULL,
  downloadable BOOLEAN NOT NULL DEFAULT false,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  UNIQUE (org_id, digest, kind)
);
CREATE TABLE referrer_edges (
  from_id BIGINT NOT NULL REFERENCES referrers(id),
  to_id BIGINT NOT NULL REFERENCES referrers(id),
  PRIMARY KEY (from_id, to_id)
);
CREATE INDEX referrer_edges_to ON referrer_edges (to_id, from_id);
CREATE TABLE uploads (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  digest TEXT NOT NULL,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  name TEXT,
  size BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (org_id, digest)
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE org_keys (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  name TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  key_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  removed_at TEXT,
  created_by TEXT
);
CREATE UNIQUE INDEX org_keys_live_name ON org_keys (org_id, name) WHERE removed_at IS NULL;
CREATE UNIQUE INDEX org_keys_live_key ON org_keys (org_id, key_id) WHERE removed_at IS NULL;
CREATE TABLE policy_revisions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  name TEXT NOT NULL,
  revision INTEGER NOT NULL,
  description TEXT NOT NULL,
  source TEXT NOT NULL,
  digest TEXT NOT NULL,
  content_digest TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (org_id, name, revision)
);
CREATE TABLE cas_backends (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  provider TEXT NOT NULL CHECK (provider IN ('oci', 's3')),
  location TEXT NOT NULL,
  username TEXT,
  password_env TEXT,
  insecure_http BOOLEAN NOT NULL DEFAULT false,
  is_default BOOLEAN NOT NULL DEFAULT false,
  created_at TEXT NOT NULL,
  s3_endpoint TEXT,
  s3_region TEXT,
  s3_path_style BOOLEAN,
  s3_access_key_env TEXT,
  s3_secret_key_env TEXT,
  CHECK ((provider = 's3') = (s3_endpoint IS NOT NULL AND s3_region IS NOT NULL AND s3_path_style IS NOT NULL
    AND s3_access_key_env IS NOT NULL AND s3_secret_key_env IS NOT NULL))
);
CREATE UNIQUE INDEX cas_backends_one_default ON cas_backends (is_default) WHERE is_default;
CREATE TABLE audit_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
CREATE TABLE cas_mappings (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  digest TEXT NOT NULL,
  project_id TEXT REFERENCES projects(id),
  workflow_id TEXT REFERENCES workflows(id),
  source TEXT NOT NULL,
  name TEXT,
  created_at TEXT NOT NULL,
  CHECK (workflow_id IS NULL OR project_id IS NOT NULL)
);
CREATE UNIQUE INDEX cas_mappings_key ON cas_mappings (org_id, digest, coalesce(project_id, ''), coalesce(workflow_id, ''));
CREATE TABLE tlog_entries (
  idx BIGINT PRIMARY KEY,
  body BYTEA NOT NULL,
  body_sha256 BYTEA NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX tlog_entries_body ON tlog_entries (body_sha256);
CREATE TABLE tlog_tiles (
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hashes BYTEA NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE TABLE tlog_checkpoints (
  size BIGINT PRIMARY KEY,
  root BYTEA NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret_env TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  removed_at TEXT
);
CREATE UNIQUE INDEX webhooks_live_name ON webhooks (org_id, name) WHERE removed_at IS NULL;
CREATE TABLE webhook_deliveries (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  webhook_id TEXT NOT NULL REFERENCES webhooks(id),
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT
);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, state, seq);
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, seq);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (state, next_attempt_at) WHERE state = 'pending';
CREATE TABLE cas_ingest_leases (
  digest TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  boot TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (digest, pid, host, boot)
);
CREATE TABLE crafting_refs (
  run_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, digest)
);
CREATE INDEX crafting_refs_digest ON crafting_refs (digest);
`;

const TRIGGERS = `
-- Of runs created in the same instant, the one inserted last is the last run (SQLite 004).
CREATE FUNCTION cairn_workflow_runs_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE workflows SET
    runs_count = runs_count + 1,
    last_run_id = CASE
      WHEN last_run_id IS NULL OR NEW.created_at >= (SELECT created_at FROM workflow_runs WHERE id = last_run_id) THEN NEW.id
      ELSE last_run_id END
  WHERE id = NEW.workflow_id;
  RETURN NULL;
END $$;
CREATE TRIGGER workflow_runs_stats AFTER INSERT ON workflow_runs FOR EACH ROW EXECUTE FUNCTION cairn_workflow_runs_stats();

-- Refuses the statement with the trigger's argument as the message (append-only tables).
CREATE FUNCTION cairn_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION cairn_refuse('audit events are append-only');
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION cairn_refuse('audit events are append-only');
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events EXECUTE FUNCTION cairn_refuse('audit events are append-only');
CREATE TRIGGER tlog_entries_no_update BEFORE UPDATE ON tlog_entries FOR EACH ROW EXECUTE FUNCTION cairn_refuse('the transparency log is append-only');
CREATE TRIGGER tlog_entries_no_delete BEFORE DELETE ON tlog_entries FOR EACH ROW EXECUTE FUNCTION cairn_refuse('the transparency log is append-only');
CREATE TRIGGER tlog_entries_no_truncate BEFORE TRUNCATE ON tlog_entries EXECUTE FUNCTION cairn_refuse('the transparency log is append-only');
CREATE TRIGGER tlog_checkpoints_no_update BEFORE UPDATE ON tlog_checkpoints FOR EACH ROW EXECUTE FUNCTION cairn_refuse('checkpoints are append-only');
CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints FOR EACH ROW EXECUTE FUNCTION cairn_refuse('checkpoints are append-only');
CREATE TRIGGER tlog_checkpoints_no_truncate BEFORE TRUNCATE ON tlog_checkpoints EXECUTE FUNCTION cairn_refuse('checkpoints are append-only');
CREATE TRIGGER tlog_tiles_no_delete BEFORE DELETE ON tlog_tiles FOR EACH ROW EXECUTE FUNCTION cairn_refuse('tiles are append-only');
CREATE TRIGGER tlog_tiles_no_truncate BEFORE TRUNCATE ON tlog_tiles EXECUTE FUNCTION cairn_refuse('tiles are append-only');

CREATE FUNCTION cairn_tlog_tile_grows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF length(NEW.hashes) < length(OLD.hashes) OR substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) <> OLD.hashes THEN
    RAISE EXCEPTION 'a tile may only grow' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER tlog_tiles_only_grow BEFORE UPDATE ON tlog_tiles FOR EACH ROW EXECUTE FUNCTION cairn_tlog_tile_grows();
`;
