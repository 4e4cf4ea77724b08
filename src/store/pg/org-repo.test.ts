import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { pgStore } from "./pg-ports.testutil.ts";
import { newToken, orgRepoContract } from "../contracts/org-port.contract.testutil.ts";
import { PgOrgRepo, TOKEN_REVOKED_CHANNEL } from "./org-repo.ts";
import { testDatabase } from "./pg.testutil.ts";

setDefaultTimeout(60_000);
const { open, skip } = pgStore((db) => new PgOrgRepo(db));
if (skip) test.skip(`PgOrgRepo: OrgRepo contract (skipped: ${skip})`, () => {});
else orgRepoContract("PgOrgRepo", open);

describe.skipIf(skip !== undefined)("PgOrgRepo: what is particular to PostgreSQL", () => {
  test("concurrent creates of one organization or one live token name: one wins, the others are ALREADY_EXISTS", async () => {
    const t = (await testDatabase())!;
    try {
      const repo = new PgOrgRepo(t.db);
      const orgs = await Promise.allSettled([...Array(6).keys()].map(() => repo.insertOrg("acme", "2025-01-01T00:00:00.000Z")));
      expect(orgs.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const e = await expectCode(() => repo.insertOrg("acme", "2025-01-01T00:00:00.000Z"), "ALREADY_EXISTS");
      expect(e.message).toBe("organization acme already exists");
      const org = (await repo.getOrg("acme"))!;
      // As createToken does it: look for a live namesake, then insert, in one transaction.
      const create = (i: number) => t.db.transaction(async () => {
        if (await repo.findLiveTokenByName(org.id, "ci", "2025-01-01T00:00:00.000Z")) throw new Error("taken");
        await Bun.sleep(5);
        await repo.insertToken(newToken(org.id, `t${i}`, "ci"));
      });
      const tokens = await Promise.allSettled([0, 1, 2, 3].map(create));
      expect(tokens.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect((await repo.listTokens({ orgId: org.id, now: "2025-01-01T00:00:00.000Z", limit: 10 })).length).toBe(1);
      expect((await expectCode(() => repo.insertToken(newToken(org.id, "t9", "ci")), "ALREADY_EXISTS")).message).toBe("an active API token named ci already exists");
    } finally {
      await t.drop();
    }
  });

  test("revokeToken notifies cairn_token_revoked with the token id, once, when its transaction commits", async () => {
    const t = (await testDatabase())!;
    try {
      const repo = new PgOrgRepo(t.db);
      const org = await repo.insertOrg("acme", "2025-01-01T00:00:00.000Z");
      await repo.insertToken(newToken(org.id, "t1", "ci"));
      await repo.insertToken(newToken(org.id, "t2", "cd"));
      const got: string[] = [];
      const unlisten = await t.db.listen(TOKEN_REVOKED_CHANNEL, (id) => got.push(id));
      await t.db.transaction(async () => {
        await repo.revokeToken("t2", "2025-01-02T00:00:00.000Z");
        throw new Error("rolled back");
      }).catch(() => {});
      await repo.revokeToken("t1", "2025-01-02T00:00:00.000Z");
      await repo.revokeToken("t1", "2025-01-03T00:00:00.000Z"); // already revoked: no second notice
      for (let i = 0; i < 100 && got.length === 0; i++) await Bun.sleep(10);
      await Bun.sleep(50);
      expect(got).toEqual(["t1"]);
      expect((await repo.getToken(org.id, "t2"))?.revokedAt).toBeNull();
      await unlisten();
    } finally {
      await t.drop();
    }
  });

  test("integrityCheck runs amcheck over every B-tree index when the extension is installed", async () => {
    const t = (await testDatabase())!;
    try {
      await t.db.query("CREATE EXTENSION IF NOT EXISTS amcheck");
      await t.db.query("INSERT INTO settings (key, value) VALUES ('k', 'v')");
      expect(await new PgOrgRepo(t.db).integrityCheck()).toEqual([]);
    } finally {
      await t.drop();
    }
  });
});
