import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selfWriter } from "../cas/writer.ts";
import { openDatabase } from "./db.ts";
import { sqliteStore } from "./store.ts";
import { SqliteLeaseRepo } from "./lease-repo.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-leases-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const D = `sha256:${"d".repeat(64)}`;

test("an ingest lease: held by its owner, pruned when older than `since` or when its owner is dead", () => {
  const repo = new SqliteLeaseRepo(openDatabase(join(dir, "a.db")));
  repo.hold(D);
  repo.hold(D); // taken again: one lease, renewed
  const past = new Date(Date.now() - 60_000).toISOString();
  expect(repo.isLeased(D, past, () => true)).toBe(true);
  expect(repo.isLeased(D, past, () => false)).toBe(false);
  expect(repo.isLeased(D, new Date(Date.now() + 60_000).toISOString(), () => true)).toBe(false);
  expect(repo.prune(past, () => false)).toEqual({ ingests: 0, refs: 0 });
  expect(repo.prune(past, (w) => w.pid === selfWriter().pid)).toEqual({ ingests: 1, refs: 0 });
  expect(repo.isLeased(D, past, () => true)).toBe(false);
});

test("a run reference needs a run of this store; exclusive holds the write lock so no lease is taken meanwhile", async () => {
  const path = join(dir, "b.db");
  const { leases: repo } = sqliteStore(openDatabase(path));
  await repo.referFromRun("no-such-run", D, new Date().toISOString());
  expect(await repo.isLeased(D, new Date(0).toISOString(), () => true)).toBe(false);
  const other = openDatabase(path);
  other.exec("PRAGMA busy_timeout=50");
  const otherRepo = new SqliteLeaseRepo(other);
  await expect(repo.exclusive(async () => otherRepo.hold(D))).rejects.toThrow(/locked|busy/i);
  otherRepo.hold(D);
  expect(await repo.isLeased(D, new Date(0).toISOString(), () => true)).toBe(true);
});
