import { existsSync } from "node:fs";
import { join } from "node:path";
import { CairnError } from "../../errors.ts";
import { openDatabase } from "../../store/sqlite/db.ts";
import { copySqliteToPg, type CopyReport } from "../../store/pg/copy-sqlite.ts";
import { openPgStore } from "../../store/pg/migrate.ts";
import { parseDatabaseUrl } from "../../store/pg/url.ts";

export interface MigrateReport extends CopyReport {
  from: string;
  /** The target, its password redacted. */
  to: string;
}

/** `cairn store migrate --from HOME --to postgres://…`: the home's rows into an empty PostgreSQL store, verified. */
export async function migrateStore(input: { from: string; to: string }): Promise<MigrateReport> {
  const url = parseDatabaseUrl(input.to);
  const path = join(input.from, "cairn.db");
  if (!existsSync(path)) throw new CairnError("USAGE", `--from ${input.from}: no store (cairn.db) in that home`, { hint: "give the home directory of the store to copy (CAIRN_HOME)" });
  const src = openDatabase(path); // brings the schema up to this cairn's, as any command would
  try {
    const pg = await openPgStore(url);
    try {
      return { from: input.from, to: url.redacted, ...(await copySqliteToPg(src, pg)) };
    } finally {
      await pg.close();
    }
  } finally {
    src.close();
  }
}
