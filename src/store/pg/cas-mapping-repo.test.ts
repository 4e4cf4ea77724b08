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
      seed: async () => {
        await seed.org("acme", "acme");
        await seed.org("other", "other");
        await seed.project("acme", "p1", "p1");
        await seed.project("acme", "p2", "p2");
        await seed.workflow("acme", "p1", "build", "build");
        await seed.workflow("acme", "p1", "test", "test");
        await seed.workflow("acme", "p2", "deploy", "deploy");
        return { acme: "acme", other: "other", p1: "p1", p2: "p2", build: "build", test: "test", deploy: "deploy" };
      },
      close: () => t.drop(),
    };
  });
