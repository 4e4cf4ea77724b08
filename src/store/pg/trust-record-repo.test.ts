import { setDefaultTimeout, test } from "bun:test";
import { openPgDatabase, type PgDatabase } from "./database.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";
import { trustRecordContract } from "../contracts/trust-record-port.contract.testutil.ts";
import { PgTrustRecordRepo } from "./trust-record-repo.ts";
import { parseDatabaseUrl } from "./url.ts";

setDefaultTimeout(60_000);
const skip = pgMissing();
if (skip) test.skip(`TrustRecordRepo contract: PgTrustRecordRepo (skipped: ${skip})`, () => {});
else
  trustRecordContract("PgTrustRecordRepo", async () => {
    const t = (await testDatabase())!;
    const replicas: PgDatabase[] = [];
    return {
      trustRecord: new PgTrustRecordRepo(t.db),
      replica: async () => new PgTrustRecordRepo(replicas[replicas.push(openPgDatabase(parseDatabaseUrl(t.url), { max: 2 })) - 1]!),
      close: async () => {
        for (const r of replicas) await r.close();
        await t.drop();
      },
    };
  });
