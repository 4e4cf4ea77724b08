// The background checkpointer: WAL pages reach the database file without the writing connection ever checkpointing.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCheckpointer } from "./checkpointer.ts";
import { openDatabase } from "./db.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a worker thread copies the WAL into the database; the server's connection only appends, and stop is clean", async () => {
  const path = join(dir, "cairn.db");
  const db = openDatabase(path);
  const errors: string[] = [];
  const ckpt = startCheckpointer(db, path, (m) => errors.push(m));
  expect(db.query("PRAGMA wal_autocheckpoint").get()).toEqual({ wal_autocheckpoint: 16_384 }); // only a safety net here
  db.exec("CREATE TABLE filler (v TEXT)");
  const before = statSync(path).size;
  const insert = db.query("INSERT INTO filler (v) VALUES (?)");
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run("x".repeat(1000)); // ~2 MB: about 500 WAL pages, far below the safety net
  })();
  const deadline = Date.now() + 5000;
  while (statSync(path).size <= before + 1_000_000 && Date.now() < deadline) await Bun.sleep(50);
  expect(statSync(path).size).toBeGreaterThan(before + 1_000_000); // the pages are in the database file now
  await ckpt.stop();
  expect(errors).toEqual([]);
  expect((db.query("SELECT count(*) AS n FROM filler").get() as { n: number }).n).toBe(2000);
  db.close();
});
