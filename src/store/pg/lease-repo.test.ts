import { setDefaultTimeout, test } from "bun:test";
import { openPgDatabase, type PgDatabase } from "./database.ts";
import { leaseContract } from "../contracts/cas-lease-port.contract.testutil.ts";
import { PgLeaseRepo } from "./lease-repo.ts";
import { sqlSeed } from "../contracts/contract-store.testutil.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";
import { parseDatabaseUrl } from "./url.ts";

setDefaultTimeout(60_000);


const skip = pgMissing();
if (skip) test.skip(`CasLeaseRepo contract: PgLeaseRepo (skipped: ${skip})`, () => {});
else
  leaseContract("PgLeaseRepo", async () => {
    const t = (await testDatabase())!;
    const seed = sqlSeed(t.db);
    const replicas: PgDatabase[] = [];
    return {
      leases: new PgLeaseRepo(t.db),
      seedRun: async () => (await seed.openRun()).runId,
      finishRun: (runId) => seed.endRun(runId, "succeeded"),
      replica: async () => new PgLeaseRepo(replicas[replicas.push(openPgDatabase(parseDatabaseUrl(t.url), { max: 4 })) - 1]!),
      close: async () => {
        for (const r of replicas) await r.close();
        await t.drop();
      },
    };
  });
