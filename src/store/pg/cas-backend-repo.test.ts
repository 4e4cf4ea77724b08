import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { backend, casBackendContract } from "../contracts/cas-backend-port.contract.testutil.ts";
import { PgCasBackendRepo } from "./cas-backend-repo.ts";
import { openPgDatabase, type PgDatabase } from "./database.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";
import { parseDatabaseUrl } from "./url.ts";

setDefaultTimeout(60_000);
const skip = pgMissing();
if (skip) test.skip(`CasBackendRepo contract: PgCasBackendRepo (skipped: ${skip})`, () => {});
else
  casBackendContract("PgCasBackendRepo", async () => {
    const t = (await testDatabase())!;
    const replicas: PgDatabase[] = [];
    return {
      casBackends: new PgCasBackendRepo(t.db),
      replica: async () => new PgCasBackendRepo(replicas[replicas.push(openPgDatabase(parseDatabaseUrl(t.url), { max: 4 })) - 1]!),
      close: async () => {
        for (const r of replicas) await r.close();
        await t.drop();
      },
    };
  });

describe.skipIf(skip !== undefined)("PgCasBackendRepo: what is particular to PostgreSQL", () => {
  test("a taken name is ALREADY_EXISTS, also between concurrent inserts; the one-default index and the CHECKs hold behind the repo's back", async () => {
    const t = (await testDatabase())!;
    try {
      const repo = new PgCasBackendRepo(t.db);
      await repo.insert(backend("a", true));
      await repo.insert(backend("b"));
      expect((await expectCode(() => repo.insert(backend("a", false, { id: "other" })), "ALREADY_EXISTS")).message).toBe("CAS backend a already exists");
      const results = await Promise.allSettled([...Array(6).keys()].map((i) => repo.insert(backend("race", i % 2 === 0, { id: `r${i}` }))));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("ALREADY_EXISTS");
      await expect(t.db.query("UPDATE cas_backends SET is_default = true WHERE name = 'b'")).rejects.toThrow(/cas_backends_one_default/);
      await expect(t.db.query("INSERT INTO cas_backends (id, name, provider, location, created_at) VALUES ('g', 'gcs', 'gcs', 'gs://x', 'now')")).rejects.toThrow(/check/i);
    } finally {
      await t.drop();
    }
  });
});
