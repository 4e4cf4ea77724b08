import type { Migration } from "./index.ts";

/**
 * S3 CAS backends (`cairn cas-backend add s3`): provider 's3', location `s3://BUCKET[/PREFIX]`, and the endpoint,
 * region, URL style and the NAMES of the variables holding the access key id and secret (never the values). SQLite
 * cannot widen a CHECK in place, so the table is rebuilt (nothing references it); OCI rows keep every column, with the
 * s3_* columns null. The CHECK ties the s3_* columns to the provider.
 */
export const s3CasBackends: Migration = {
  name: "016-s3-cas-backends",
  up(db) {
    db.exec(`
      CREATE TABLE cas_backends_new (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        provider TEXT NOT NULL CHECK (provider IN ('oci', 's3')),
        location TEXT NOT NULL,
        username TEXT,
        password_env TEXT,
        insecure_http INTEGER NOT NULL DEFAULT 0 CHECK (insecure_http IN (0, 1)),
        is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
        created_at TEXT NOT NULL,
        s3_endpoint TEXT,
        s3_region TEXT,
        s3_path_style INTEGER CHECK (s3_path_style IN (0, 1)),
        s3_access_key_env TEXT,
        s3_secret_key_env TEXT,
        CHECK ((provider = 's3') = (s3_endpoint IS NOT NULL AND s3_region IS NOT NULL AND s3_path_style IS NOT NULL
          AND s3_access_key_env IS NOT NULL AND s3_secret_key_env IS NOT NULL))
      );
      INSERT INTO cas_backends_new (id, name, provider, location, username, password_env, insecure_http, is_default, created_at)
        SELECT id, name, provider, location, username, password_env, insecure_http, is_default, created_at FROM cas_backends;
      DROP TABLE cas_backends;
      ALTER TABLE cas_backends_new RENAME TO cas_backends;
      CREATE UNIQUE INDEX cas_backends_one_default ON cas_backends (is_default) WHERE is_default = 1;
    `);
  },
};
