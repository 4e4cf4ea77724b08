import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { utimesSync } from "node:fs";
import { isCairnError } from "../../errors.ts";
import { pgMissing, testDatabase, type TestDatabase } from "../../store/pg/pg.testutil.ts";
import { expectCode } from "../../test-helpers.ts";
import type { AppContext } from "../../context.ts";
import { gcStore, type GcReport } from "./gc.ts";
import { TempStore } from "./store-fixture.testutil.ts";

const skip = pgMissing();
const DAY = 86_400_000;

/** Two `cairn store gc` processes on one PostgreSQL database: one runs, the other refuses while it does. */
describe.skipIf(skip !== undefined)(`store gc on PostgreSQL: one at a time${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pg: TestDatabase;
  const store = new TempStore();
  let a: AppContext;
  let b: AppContext;
  beforeAll(async () => {
    pg = (await testDatabase())!;
    a = await store.open({ CAIRN_DATABASE_URL: pg.url });
    b = await store.open({ CAIRN_DATABASE_URL: pg.url });
  }, 30_000);
  afterAll(async () => {
    await store.cleanup();
    await pg?.drop();
  });

  async function orphans(n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const { digest } = await a.blobs.putBytes(new TextEncoder().encode(`orphan ${i} ${Math.random()}\n`));
      const t = new Date(Date.now() - 2 * DAY);
      utimesSync(store.blobPath(digest), t, t);
      out.push(digest);
    }
    return out;
  }

  test("while a gc holds the database's gc lock, another is refused with IN_USE naming since when; then it runs", async () => {
    const [orphan] = await orphans(1);
    let entered!: () => void;
    let release!: () => void;
    const holding = new Promise<void>((r) => (entered = r));
    const gate = new Promise<void>((r) => (release = r));
    const running = b.repo.alone("store-gc", async () => {
      entered();
      await gate;
    });
    await holding;
    const e = await expectCode(() => gcStore(a), "IN_USE");
    expect(e.message).toMatch(/^another `cairn store gc` is running on this database \(since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\)$/);
    expect((await a.blobs.has(orphan!))).toBe(true); // the refused gc removed nothing
    release();
    await running;
    expect((await gcStore(a)).removed.map((r) => r.digest)).toEqual([orphan!]);
  });

  test("two gcs started together: each orphan is removed once, and a gc that overlapped the other refused", async () => {
    const made = await orphans(80);
    const results = await Promise.allSettled([gcStore(a), gcStore(b)]);
    const reports: GcReport[] = [];
    for (const r of results) {
      if (r.status === "fulfilled") reports.push(r.value);
      else expect(isCairnError(r.reason) && r.reason.code).toBe("IN_USE");
    }
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.flatMap((r) => r.removed.map((x) => x.digest)).sort()).toEqual([...made].sort());
  });
});
