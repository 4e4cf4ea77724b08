import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { expectCode, freePort } from "../../test-helpers.ts";
import { isUniqueViolation, openPgDatabase, type PgDatabase } from "./database.ts";
import { pgMissing, testDatabase, type TestDatabase } from "./pg.testutil.ts";
import { parseDatabaseUrl } from "./url.ts";

setDefaultTimeout(60_000); // the first test may start the throwaway cluster (~1 s)
const skip = pgMissing();
let tdP: Promise<TestDatabase | undefined> | undefined;
const fresh = async (): Promise<PgDatabase> => {
  const t = await (tdP ??= testDatabase({ migrate: false }));
  return t!.db;
};
afterAll(async () => (await tdP)?.drop());

describe.skipIf(skip !== undefined)(`PgDatabase${skip ? ` (skipped: ${skip})` : ""}`, () => {
  test("results read as bun:sqlite's do: int8 and count(*) as numbers, bytea as a plain Uint8Array, booleans, text, null", async () => {
    const db = await fresh();
    const [row] = await db.query("SELECT 12345678901::int8 AS big, count(*) AS n, '\\x0102ff'::bytea AS b, true AS t, 'x' AS s, NULL::int8 AS z FROM (VALUES (1), (2)) v");
    expect(row).toEqual({ big: 12345678901, n: 2, b: new Uint8Array([1, 2, 255]), t: true, s: "x", z: null });
    expect(Object.getPrototypeOf(row!.b)).toBe(Uint8Array.prototype);
    expect(await db.query("SELECT $1::text AS a, $2::int AS b, $3::bytea AS c", ["é", 7, new Uint8Array([9])])).toEqual([{ a: "é", b: 7, c: new Uint8Array([9]) }]);
  });

  test("transaction() commits, rolls back on a throw, and routes the queries made inside it (no handle) to its connection", async () => {
    const db = await fresh();
    await db.query("CREATE TABLE tx_t (v TEXT)");
    await db.transaction(async () => void (await db.query("INSERT INTO tx_t VALUES ('kept')")));
    await expect(db.transaction(async () => {
      await db.query("INSERT INTO tx_t VALUES ('gone')");
      throw new Error("boom");
    })).rejects.toThrow("boom");
    expect(await db.query("SELECT v FROM tx_t")).toEqual([{ v: "kept" }]);

    // While a transaction is open, a query from another async context does not see its uncommitted row.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const open = db.transaction(async () => {
      await db.query("INSERT INTO tx_t VALUES ('pending')");
      expect(await db.query("SELECT count(*) AS n FROM tx_t")).toEqual([{ n: 2 }]);
      await held;
    });
    await Bun.sleep(20);
    expect(await db.query("SELECT count(*) AS n FROM tx_t")).toEqual([{ n: 1 }]);
    release();
    await open;
    expect(await db.query("SELECT count(*) AS n FROM tx_t")).toEqual([{ n: 2 }]);
  });

  test("a nested transaction() is a savepoint: its failure, caught, undoes only its own work; three deep works too", async () => {
    const db = await fresh();
    await db.query("CREATE TABLE sp_t (v TEXT)");
    await db.transaction(async () => {
      await db.query("INSERT INTO sp_t VALUES ('outer')");
      await expect(db.transaction(async () => {
        await db.query("INSERT INTO sp_t VALUES ('inner')");
        throw new Error("inner fails");
      })).rejects.toThrow("inner fails");
      await db.transaction(() => db.transaction(async () => void (await db.query("INSERT INTO sp_t VALUES ('deep')"))));
    });
    expect(await db.query("SELECT v FROM sp_t ORDER BY v")).toEqual([{ v: "deep" }, { v: "outer" }]);
  });

  test("inside one transaction, parallel queries and parallel nested transactions (taking turns) all land", async () => {
    const db = await fresh();
    await db.query("CREATE TABLE par_t (v INT)");
    await db.transaction(async () => {
      await Promise.all([1, 2, 3].map((v) => db.query("INSERT INTO par_t VALUES ($1)", [v])));
      const nested = [10, 11, 12].map((v) => db.transaction(async () => {
        await db.query("INSERT INTO par_t VALUES ($1)", [v]);
        if (v === 11) throw new Error("undo 11");
      }));
      expect((await Promise.allSettled(nested)).map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    });
    expect((await db.query<{ v: number }>("SELECT v FROM par_t ORDER BY v")).map((r) => r.v)).toEqual([1, 2, 3, 10, 12]);
  });

  test("two transactions taking two rows in opposite orders: the deadlock victim runs again, and both land", async () => {
    const db = await fresh();
    await db.query("CREATE TABLE dl_t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
    await db.query("INSERT INTO dl_t (id) VALUES (1), (2)");
    let runs = 0;
    const bump = (first: number, second: number) =>
      db.transaction(async () => {
        runs++;
        await db.query("UPDATE dl_t SET n = n + 1 WHERE id = $1", [first]);
        await Bun.sleep(50); // both hold their first row before either asks for its second
        await db.query("UPDATE dl_t SET n = n + 1 WHERE id = $1", [second]);
      });
    await Promise.all([bump(1, 2), bump(2, 1)]);
    expect(runs).toBe(3); // one of them was chosen as the victim and ran again
    expect(await db.query("SELECT id, n FROM dl_t ORDER BY id")).toEqual([{ id: 1, n: 2 }, { id: 2, n: 2 }]);
  });

  test("server errors keep their SQLSTATE: a unique violation is recognised, by constraint too", async () => {
    const db = await fresh();
    await db.query("CREATE TABLE uq_t (v TEXT CONSTRAINT uq_t_v UNIQUE)");
    await db.query("INSERT INTO uq_t VALUES ('a')");
    const e = await db.query("INSERT INTO uq_t VALUES ('a')").catch((x: unknown) => x);
    expect(isUniqueViolation(e)).toBe(true);
    expect(isUniqueViolation(e, "uq_t_v")).toBe(true);
    expect(isUniqueViolation(e, "other")).toBe(false);
    expect(isUniqueViolation(await db.query("SELECT 1/0").catch((x: unknown) => x))).toBe(false);
  });

  test("a database the server does not have is a NETWORK error naming the URL", async () => {
    const t = (await tdP)!;
    const url = new URL(t.url);
    url.pathname = "/cairn_no_such_database";
    const db = openPgDatabase(parseDatabaseUrl(url.href));
    expect((await expectCode(() => db.query("SELECT 1"), "NETWORK")).message).toContain("cairn_no_such_database");
    await db.close();
  });

  test("notify() inside a transaction reaches listeners at commit, never after a rollback; unlisten stops delivery", async () => {
    const db = await fresh();
    const got: string[] = [];
    const unlisten = await db.listen("cairn_test_chan", (p) => got.push(p));
    await db.notify("cairn_test_chan", "direct");
    await db.transaction(async () => {
      await db.notify("cairn_test_chan", "committed");
      await Bun.sleep(30);
      expect(got).not.toContain("committed");
    });
    await db.transaction(async () => {
      await db.notify("cairn_test_chan", "rolled back");
      throw new Error("no");
    }).catch(() => {});
    await waitFor(() => got.length >= 2);
    await Bun.sleep(30);
    expect(got).toEqual(["direct", "committed"]);
    await unlisten();
    await db.notify("cairn_test_chan", "late");
    await Bun.sleep(50);
    expect(got).toEqual(["direct", "committed"]);
  });
});

describe("openPgDatabase without a server", () => {
  test("a refused connection is a NETWORK error that names the URL without its password", async () => {
    const db = openPgDatabase(parseDatabaseUrl(`postgres://cairn:hunter2@127.0.0.1:${freePort()}/x?sslmode=disable`));
    const e = await expectCode(() => db.query("SELECT 1"), "NETWORK");
    expect(e.message).toContain("postgres://cairn:***@127.0.0.1");
    expect(e.message).not.toContain("hunter2");
    await db.close();
  });
});

async function waitFor(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await Bun.sleep(10);
}
