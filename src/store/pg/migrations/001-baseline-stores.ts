/**
 * Part of the PostgreSQL baseline (001-baseline.ts): the referrer graph, uploads, settings, organization keys,
 * policies, CAS backends and mappings, the audit trail, the transparency log, webhooks and CAS leases.
 * Plain TEXT here; the migration makes every TEXT column COLLATE "C".
 */
export const STORE_TABLES = `CREATE TABLE referrers (
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
