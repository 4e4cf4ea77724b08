import type { Migration } from "./index.ts";

/**
 * For `cairn serve`: the instance admin flag on API tokens (the token printed at first start may create
 * organizations), the organizations' registered signing keys (pushed bundles are verified against them; removed
 * keys stay for the record), and a per-organization CAS blob size limit (NULL: the server's default).
 */
export const serve: Migration = {
  name: "005-serve",
  up(db) {
    db.exec(`
      ALTER TABLE api_tokens ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE organizations ADD COLUMN max_blob_bytes INTEGER;
      CREATE TABLE org_keys (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        name TEXT NOT NULL,
        algorithm TEXT NOT NULL,
        public_key_pem TEXT NOT NULL,
        -- cosign's key id: base64(sha256(DER SPKI)), what a bundle's verificationMaterial.publicKey.hint holds
        key_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        removed_at TEXT
      );
      CREATE UNIQUE INDEX org_keys_live_name ON org_keys (org_id, name) WHERE removed_at IS NULL;
      CREATE UNIQUE INDEX org_keys_live_key ON org_keys (org_id, key_id) WHERE removed_at IS NULL;
    `);
  },
};
