import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { pgStore } from "./pg-ports.testutil.ts";
import { orgKey, orgKeyRepoContract } from "../contracts/org-key-port.contract.testutil.ts";
import { PgOrgKeyRepo } from "./org-key-repo.ts";

setDefaultTimeout(60_000);
const { open, skip } = pgStore((db) => new PgOrgKeyRepo(db));
if (skip) test.skip(`PgOrgKeyRepo: OrgKeyRepo contract (skipped: ${skip})`, () => {});
else orgKeyRepoContract("PgOrgKeyRepo", open);

describe.skipIf(skip !== undefined)("PgOrgKeyRepo: what is particular to PostgreSQL", () => {
  test("a taken live name or key id is ALREADY_EXISTS with the service's message, even between concurrent adds", async () => {
    const s = await open();
    try {
      await s.seed.org("o1", "acme");
      await s.port.insertKey(orgKey("k1", "o1", "ci"));
      expect((await expectCode(() => s.port.insertKey(orgKey("k2", "o1", "ci")), "ALREADY_EXISTS")).message).toBe("a key named ci is already registered in organization acme");
      expect((await expectCode(() => s.port.insertKey(orgKey("k3", "o1", "rel", "kid-k1")), "ALREADY_EXISTS")).message).toBe("this key is already registered in organization acme as ci");
      // Eight adds of one name at once: one wins, seven are ALREADY_EXISTS, nothing else fails.
      const results = await Promise.allSettled([...Array(8).keys()].map((i) => s.port.insertKey(orgKey(`r${i}`, "o1", "race"))));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("ALREADY_EXISTS");
    } finally {
      await s.close();
    }
  });
});
