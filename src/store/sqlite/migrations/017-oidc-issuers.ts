import type { Migration } from "./index.ts";

/**
 * External CI issuers (`cairn ca oidc add`), until now in <home>/oidc/issuers.json: in the store, so replicas on one
 * database accept the same ones. The issuer is the key (a second add of it fails on it); the JWKS is its JSON text.
 * `org` is an organization's name, resolved when a token is used (as the file had it), not a reference.
 */
export const oidcIssuers: Migration = {
  name: "017-oidc-issuers",
  up(db) {
    db.exec(`
      CREATE TABLE oidc_issuers (
        issuer TEXT NOT NULL PRIMARY KEY,
        audience TEXT NOT NULL,
        org TEXT,
        jwks TEXT NOT NULL,
        jwks_file TEXT NOT NULL,
        added_at TEXT NOT NULL
      );
    `);
  },
};
