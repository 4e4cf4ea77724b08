import type { PgDatabase } from "../database.ts";
import { baseline } from "./001-baseline.ts";
import { generations } from "./002-generations.ts";
import { oidcIssuers } from "./003-oidc-issuers.ts";

export interface PgMigration {
  name: string;
  /** Runs inside the migration transaction (migrate.ts), with the schema lock held. */
  up(db: PgDatabase): Promise<void>;
}

/**
 * PostgreSQL's own numbered migrations; position + 1 = the schema version it produces. Never edit a released one.
 * 001 is the SQLite schema at its version 16; later changes get a migration here and one in ../../sqlite/migrations
 * (002 is PostgreSQL's alone: SQLite's single writer makes max(rowid) a true generation; 003 is SQLite's 017).
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [baseline, generations, oidcIssuers];
