import { setDefaultTimeout, test } from "bun:test";
import { casMappingContract } from "./cas-mapping.contract.testutil.ts";
import { PgCasMappingRepo } from "./cas-mapping-repo.ts";
import { pgSeed } from "./contract-store.testutil.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";

setDefaultTimeout(60_000);
const skip = pgMissing();
if (skip) test.skip(`CasMappingRepo contract: PgCasMappingRepo (skipped: ${skip})`, () => {});
else
  casMappingContract("PgCasMappingRepo", async () => {
    const t = (await testDatabase())!;
    const seed = pgSeed(t.db);
    return {
      maps: new PgCasMappingRepo(t.db),
      seed: () => seed.mappingOrgs(),
      close: () => t.drop(),
    };
  });
