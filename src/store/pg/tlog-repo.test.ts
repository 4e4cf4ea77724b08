import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { openPgDatabase, type PgDatabase } from "./database.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";
import { tlogContract } from "../contracts/tlog-port.contract.testutil.ts";
import { PgTlogRepo } from "./tlog-repo.ts";
import { parseDatabaseUrl } from "./url.ts";

setDefaultTimeout(60_000);
const skip = pgMissing();
if (skip) test.skip(`TlogRepo contract: PgTlogRepo (skipped: ${skip})`, () => {});
else
  tlogContract("PgTlogRepo", async () => {
    const t = (await testDatabase())!;
    const replicas: PgDatabase[] = [];
    return {
      tlog: new PgTlogRepo(t.db),
      replica: async () => new PgTlogRepo(replicas[replicas.push(openPgDatabase(parseDatabaseUrl(t.url), { max: 4 })) - 1]!),
      close: async () => {
        for (const r of replicas) await r.close();
        await t.drop();
      },
    };
  });

describe.skipIf(skip !== undefined)("PgTlogRepo: the baseline's append-only triggers", () => {
  test("entries and checkpoints refuse UPDATE, DELETE and TRUNCATE; tiles refuse DELETE", async () => {
    const t = (await testDatabase())!;
    try {
      const repo = new PgTlogRepo(t.db);
      await repo.append(0, { bodies: [new Uint8Array([1])], bodyHashes: [new Uint8Array(32)], tiles: [{ level: 0, index: 0, data: new Uint8Array(32) }], checkpoint: { size: 1, root: new Uint8Array(32), note: "n", createdAt: "t" } }, "t");
      await expect(t.db.query("UPDATE tlog_entries SET body = '\\x00' WHERE idx = 0")).rejects.toThrow(/append-only/);
      await expect(t.db.query("DELETE FROM tlog_entries")).rejects.toThrow(/append-only/);
      await expect(t.db.query("TRUNCATE tlog_entries CASCADE")).rejects.toThrow(/append-only/);
      await expect(t.db.query("DELETE FROM tlog_checkpoints")).rejects.toThrow(/append-only/);
      await expect(t.db.query("DELETE FROM tlog_tiles")).rejects.toThrow(/append-only/);
      expect(await repo.size()).toBe(1);
    } finally {
      await t.drop();
    }
  });
});
