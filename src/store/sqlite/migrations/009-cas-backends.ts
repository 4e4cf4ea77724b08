import type { Migration } from "./index.ts";

/**
 * CAS backends (`cairn cas-backend add|list|set-default|remove`): where evidence blobs are written besides the local
 * disk CAS. Removal is a hard delete: nothing references a backend row (blobs are addressed by digest, not by backend),
 * and a removed name may be reused at once. The partial unique index keeps at most one default; none means `local`.
 */
export const casBackends: Migration = {
  name: "009-cas-backends",
  up(db) {
    db.exec(`
      CREATE TABLE cas_backends (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        provider TEXT NOT NULL CHECK (provider IN ('oci')),
        location TEXT NOT NULL,
        username TEXT,
        password_env TEXT,
        insecure_http INTEGER NOT NULL DEFAULT 0 CHECK (insecure_http IN (0, 1)),
        is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
        created_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX cas_backends_one_default ON cas_backends (is_default) WHERE is_default = 1;
    `);
  },
};
