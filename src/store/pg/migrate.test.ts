import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { openDatabase } from "../sqlite/db.ts";
import { openPgDatabase, type PgDatabase } from "./database.ts";
import { migratePg, openPgStore, pgSchemaVersion } from "./migrate.ts";
import { PG_MIGRATIONS } from "./migrations/index.ts";
import { pgMissing, testDatabase, type TestDatabase } from "./pg.testutil.ts";
import { parseDatabaseUrl } from "./url.ts";

setDefaultTimeout(60_000);
const skip = pgMissing();
const made: TestDatabase[] = [];
afterAll(async () => Promise.all(made.map((t) => t.drop())));
async function fresh(): Promise<TestDatabase> {
  const t = (await testDatabase({ migrate: false }))!;
  made.push(t);
  return t;
}

describe.skipIf(skip !== undefined)(`PostgreSQL migrations${skip ? ` (skipped: ${skip})` : ""}`, () => {
  test("four concurrent opens of one fresh database all succeed and apply the baseline once", async () => {
    const t = await fresh();
    // A migration that counts its runs in a table of its own (outside the schema lock's transaction it would race).
    const counted = [{ name: "001-counted", up: async (db: PgDatabase) => {
      await PG_MIGRATIONS[0]!.up(db);
      await db.query("CREATE TABLE IF NOT EXISTS applied (n INT)");
      await db.query("INSERT INTO applied VALUES (1)");
    } }];
    const dbs = [0, 1, 2, 3].map(() => openPgDatabase(parseDatabaseUrl(t.url), { max: 2 }));
    const versions = await Promise.all(dbs.map((db) => migratePg(db, t.url, counted)));
    expect(versions).toEqual([1, 1, 1, 1]);
    expect(await t.db.query("SELECT count(*) AS n FROM applied")).toEqual([{ n: 1 }]);
    expect(await t.db.query("SELECT version FROM cairn_schema")).toEqual([{ version: 1 }]);
    await Promise.all(dbs.map((db) => db.close()));

    // And the real thing: openPgStore four times at once on another fresh database.
    const u = await fresh();
    const stores = await Promise.all([0, 1, 2, 3].map(() => openPgStore(parseDatabaseUrl(u.url), { max: 2 })));
    for (const s of stores) expect(await pgSchemaVersion(s)).toBe(PG_MIGRATIONS.length);
    await Promise.all(stores.map((s) => s.close()));
  });

  test("the migrations give SQLite's tables, column for column, with the same nullability (plus the seq columns)", async () => {
    const t = await fresh();
    expect(await pgSchemaVersion(t.db)).toBe(0);
    await migratePg(t.db);
    const sqlite = openDatabase(":memory:");
    const want: string[] = [];
    for (const { name } of sqlite.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]) {
      for (const c of sqlite.query(`PRAGMA table_info(${name})`).all() as { name: string; notnull: number; pk: number }[]) {
        want.push(`${name}.${c.name}${c.notnull || c.pk ? " NOT NULL" : ""}`);
      }
    }
    sqlite.close();
    const got = await t.db.query<{ c: string }>(`SELECT table_name || '.' || column_name || CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END AS c
      FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT IN ('cairn_schema', 'cairn_generations') AND column_name <> 'seq'`);
    // webhook_deliveries.seq is SQLite's own column (AUTOINCREMENT), not a rowid stand-in.
    expect(got.map((r) => r.c).sort()).toEqual(want.filter((c) => c !== "webhook_deliveries.seq NOT NULL").sort());
    expect(await migratePg(t.db)).toBe(PG_MIGRATIONS.length); // idempotent
  });

  test("a store written by a newer cairn is refused with STORE_INVALID", async () => {
    const t = await fresh();
    await migratePg(t.db);
    await t.db.query("UPDATE cairn_schema SET version = $1", [PG_MIGRATIONS.length + 1]);
    const e = await expectCode(() => openPgStore(parseDatabaseUrl(t.url)), "STORE_INVALID");
    expect(e.message).toContain(`schema version ${PG_MIGRATIONS.length + 1}, newer than this cairn understands (${PG_MIGRATIONS.length})`);
  });

  test("triggers: run statistics, append-only audit and tlog tables, tiles that may only grow", async () => {
    const t = await fresh();
    const db = t.db;
    await migratePg(db);
    const at = (s: number) => `2026-11-01T00:00:0${s}.000Z`;
    await db.query(`INSERT INTO organizations (id, name, created_at) VALUES ('o', 'o', '${at(0)}');
      INSERT INTO projects (id, org_id, name, created_at) VALUES ('p', 'o', 'p', '${at(0)}');
      INSERT INTO contracts (id, org_id, name, created_at) VALUES ('c', 'o', 'c', '${at(0)}');
      INSERT INTO workflows (id, org_id, project_id, name, contract_id, created_at) VALUES ('w', 'o', 'p', 'w', 'c', '${at(0)}')`);
    const run = (id: string, s: number) => db.query(`INSERT INTO workflow_runs (id, org_id, workflow_id, state, runner_type, contract_revision_used, contract_revision_latest, created_at)
      VALUES ($1, 'o', 'w', 'initialized', 'X', 1, 1, $2)`, [id, at(s)]);
    await run("r2", 2);
    await run("r1", 1); // older: not the last run
    await run("r2b", 2); // same instant, inserted later: the last run
    expect(await db.query("SELECT runs_count, last_run_id FROM workflows")).toEqual([{ runs_count: 3, last_run_id: "r2b" }]);

    await db.query(`INSERT INTO audit_events (org_id, at, actor, action, outcome) VALUES ('o', '${at(0)}', 'local', 'x', 'ok')`);
    for (const q of ["UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events", "TRUNCATE audit_events"]) {
      await expect(db.query(q)).rejects.toThrow("audit events are append-only");
    }
    await db.query("INSERT INTO tlog_tiles (level, idx, hashes) VALUES (0, 0, '\\x0102')");
    await db.query("UPDATE tlog_tiles SET hashes = '\\x010203'");
    await expect(db.query("UPDATE tlog_tiles SET hashes = '\\x0203'")).rejects.toThrow("a tile may only grow");
    await expect(db.query("DELETE FROM tlog_tiles")).rejects.toThrow("tiles are append-only");
  });

  test("text compares bytewise (COLLATE \"C\"), as in SQLite, whatever the database's locale", async () => {
    const t = await fresh();
    await migratePg(t.db);
    await t.db.query("INSERT INTO settings (key, value) VALUES ('b', '1'), ('B', '2'), ('a', '3'), ('_', '4')");
    expect((await t.db.query<{ key: string }>("SELECT key FROM settings ORDER BY key")).map((r) => r.key)).toEqual(["B", "_", "a", "b"]);
  });
});
