import { setDefaultTimeout, test } from "bun:test";
import { oidcIssuerContract } from "../contracts/oidc-issuer-port.contract.testutil.ts";
import { openPgDatabase, type PgDatabase } from "./database.ts";
import { PgOidcIssuerRepo } from "./oidc-issuer-repo.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";
import { parseDatabaseUrl } from "./url.ts";

setDefaultTimeout(60_000);
const skip = pgMissing();
if (skip) test.skip(`OidcIssuerRepo contract: PgOidcIssuerRepo (skipped: ${skip})`, () => {});
else
  oidcIssuerContract("PgOidcIssuerRepo", async () => {
    const t = (await testDatabase())!;
    const replicas: PgDatabase[] = [];
    return {
      oidcIssuers: new PgOidcIssuerRepo(t.db),
      replica: async () => new PgOidcIssuerRepo(replicas[replicas.push(openPgDatabase(parseDatabaseUrl(t.url), { max: 2 })) - 1]!),
      close: async () => {
        for (const r of replicas) await r.close();
        await t.drop();
      },
    };
  });
