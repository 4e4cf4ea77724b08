import { setDefaultTimeout, test } from "bun:test";
import { openPgDatabase, type PgDatabase } from "./database.ts";
import { sqlSeed } from "../contracts/contract-store.testutil.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";
import { stateContract } from "../contracts/state-port.contract.testutil.ts";
import { PgStateRepo } from "./state-repo.ts";
import { parseDatabaseUrl } from "./url.ts";

setDefaultTimeout(60_000);


const skip = pgMissing();
if (skip) test.skip(`AttestationStateRepo contract: PgStateRepo (skipped: ${skip})`, () => {});
else
  stateContract("PgStateRepo", async () => {
    const t = (await testDatabase())!;
    const seed = sqlSeed(t.db);
    const replicas: PgDatabase[] = [];
    return {
      states: new PgStateRepo(t.db),
      seedRun: async () => seed.openRun(),
      finishRun: (runId) => seed.endRun(runId, "failed"),
      replica: async () => new PgStateRepo(replicas[replicas.push(openPgDatabase(parseDatabaseUrl(t.url), { max: 4 })) - 1]!),
      close: async () => {
        for (const r of replicas) await r.close();
        await t.drop();
      },
    };
  });
