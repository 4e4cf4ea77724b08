import type { Migration } from "./index.ts";

/**
 * Soft-deletable contracts: `contracts.deleted_at`, and the name unique among live contracts only, so a deleted
 * contract's name can be reused. SQLite cannot drop the table's UNIQUE (org_id, name) constraint, so the table is
 * rebuilt (as 002 rebuilds `workflows`); ids are kept, so revisions, workflows and old runs still point at their
 * contract. db.ts runs this with foreign keys off and checks every reference before committing.
 */
export const contractSoftDelete: Migration = {
  name: "003-contract-soft-delete",
  up(db) {
    db.exec(`
      CREATE TABLE contracts_new (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        name TEXT NOT NULL,
        description TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT,
        deleted_at TEXT
      );
      INSERT INTO contracts_new (id, org_id, name, description, created_at, updated_at)
        SELECT id, org_id, name, description, created_at, updated_at FROM contracts;
      DROP TABLE contracts;
      ALTER TABLE contracts_new RENAME TO contracts;
      CREATE UNIQUE INDEX contracts_live_name ON contracts (org_id, name) WHERE deleted_at IS NULL;
      CREATE INDEX workflows_by_contract ON workflows (contract_id) WHERE deleted_at IS NULL;
    `);
  },
};
