import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../config.ts";
import { CairnError } from "../../errors.ts";
import { openDatabase } from "../../store/sqlite/db.ts";
import { sqliteStore } from "../../store/sqlite/store.ts";
import type { Reporter } from "../deps.ts";
import { importLegacyIssuers } from "../oidc-issuers-import.ts";
import { copySqliteToPg, type CopyReport } from "../../store/pg/copy-sqlite.ts";
import { openPgStore } from "../../store/pg/migrate.ts";
import { parseDatabaseUrl } from "../../store/pg/url.ts";
import { copyBlobsToDefault, type BlobCopyReport } from "./store-migrate-blobs.ts";

export interface MigrateReport extends CopyReport {
  from: string;
  /** The target, its password redacted. */
  to: string;
  /** With --blobs: the home's disk CAS blobs copied to its default (shared) CAS backend, before the rows. */
  blobs?: BlobCopyReport;
}

/**
 * `cairn store migrate --from HOME --to postgres://… [--blobs]`: the home's rows into an empty PostgreSQL store,
 * verified. `home` is the source home's configuration (its own SQLite store, not --database). With `blobs`, the
 * blobs go first: a copy that fails leaves the database empty, and the next run skips what already arrived. The
 * home's legacy oidc/issuers.json, if any, is imported into its store first, so its issuers are copied too.
 */
export async function migrateStore(input: { from: string; to: string; blobs?: boolean; home: Config; reporter?: Reporter }): Promise<MigrateReport> {
  const url = parseDatabaseUrl(input.to);
  const path = join(input.from, "cairn.db");
  if (!existsSync(path)) throw new CairnError("USAGE", `--from ${input.from}: no store (cairn.db) in that home`, { hint: "give the home directory of the store to copy (CAIRN_HOME)" });
  const blobs = input.blobs ? await copyBlobs(input.home) : undefined;
  const src = openDatabase(path); // brings the schema up to this cairn's, as any command would
  try {
    await importLegacyIssuers({ oidcIssuers: sqliteStore(src).oidcIssuers, config: { home: input.from }, reporter: input.reporter ?? { warn: () => {} } });
    const pg = await openPgStore(url);
    try {
      return { from: input.from, to: url.redacted, ...(await copySqliteToPg(src, pg)), ...(blobs && { blobs }) };
    } finally {
      await pg.close();
    }
  } finally {
    src.close();
  }
}

async function copyBlobs(home: Config): Promise<BlobCopyReport> {
  const { createAppContext } = await import("../../context.ts");
  const app = await createAppContext(home);
  try {
    return await copyBlobsToDefault(app);
  } finally {
    await app.close();
  }
}
