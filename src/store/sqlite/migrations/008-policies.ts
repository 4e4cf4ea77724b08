import type { Migration } from "./index.ts";

/**
 * The policy store (`cairn policy add|list|describe`): per organization, named policies with immutable revisions.
 * `digest` is sha256 of the stored source text (what a predicate records and `name@sha256:…` pins);
 * `content_digest` is sha256 of the normalized document, so reformatting or comments make no new revision.
 */
export const policies: Migration = {
  name: "008-policies",
  up(db) {
    db.exec(`
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
    `);
  },
};
