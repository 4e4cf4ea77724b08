import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";
import { hook, webhookContract } from "../contracts/webhook-port.contract.testutil.ts";
import { PgWebhookRepo } from "./webhook-repo.ts";
import type { PgDatabase } from "./database.ts";

setDefaultTimeout(60_000);
const seedOrg = async (db: PgDatabase) => {
  const id = crypto.randomUUID();
  await db.query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $1, '2025-01-01T00:00:00.000Z')", [id]);
  return id;
};

const skip = pgMissing();
if (skip) test.skip(`WebhookRepo contract: PgWebhookRepo (skipped: ${skip})`, () => {});
else
  webhookContract("PgWebhookRepo", async () => {
    const t = (await testDatabase())!;
    return { webhooks: new PgWebhookRepo(t.db), seedOrg: () => seedOrg(t.db), close: () => t.drop() };
  });

describe.skipIf(skip !== undefined)("PgWebhookRepo: what is particular to PostgreSQL", () => {
  test("a live name taken meanwhile is ALREADY_EXISTS, also between concurrent adds", async () => {
    const t = (await testDatabase())!;
    try {
      const repo = new PgWebhookRepo(t.db);
      const o = await seedOrg(t.db);
      await repo.add(hook(o, "ci"));
      await expectCode(() => repo.add(hook(o, "ci")), "ALREADY_EXISTS");
      const results = await Promise.allSettled([...Array(6).keys()].map(() => repo.add(hook(o, "race"))));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("ALREADY_EXISTS");
    } finally {
      await t.drop();
    }
  });
});
