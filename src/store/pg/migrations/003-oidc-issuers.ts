import type { PgMigration } from "./index.ts";

/** SQLite's 017: the external CI issuers (`cairn ca oidc add`), shared by every replica of the database. */
export const oidcIssuers: PgMigration = {
  name: "003-oidc-issuers",
  async up(db) {
    await db.query(`
CREATE TABLE oidc_issuers (
  issuer TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  audience TEXT COLLATE "C" NOT NULL,
  org TEXT COLLATE "C",
  jwks TEXT COLLATE "C" NOT NULL,
  jwks_file TEXT COLLATE "C" NOT NULL,
  added_at TEXT COLLATE "C" NOT NULL
);
`);
  },
};
