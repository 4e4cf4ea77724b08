import { setDefaultTimeout, test } from "bun:test";
import { casMappingContract } from "../contracts/cas-mapping-port.contract.testutil.ts";
import { PgCasMappingRepo } from "./cas-mapping-repo.ts";
import { sqlSeed } from "../contracts/contract-store.testutil.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";

setDefaultTimeout(60_000);
const skip = pgMissing();
if (skip) test.skip(`CasMappingRepo contract: PgCasMappingRepo (skipped: ${skip})`, () => {});
else
  casMappingContract("PgCasMappingRepo", async () => {
    const t = (await testDatabase())!;
    const seed = sqlSeed(t.db);
    return {
      maps: new PgCasMappingRepo(t.db),
      seed: () => seed.mappingOrgs(),
      close: () => t.drop(),
    };
  });
