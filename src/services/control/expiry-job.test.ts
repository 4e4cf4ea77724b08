import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { pgMissing, testDatabase, type TestDatabase } from "../../store/pg/pg.testutil.ts";
import { RunExpiryJob } from "./expiry-job.ts";
import { listRuns } from "./runs.ts";
import { startRun, testStore, type TestStore } from "./runs.testutil.ts";

const HOUR = 3_600_000;

describe("run expiry job (SQLite)", async () => {
  const s = await testStore();
  afterAll(() => s.cleanup());

  test("a round expires the runs past the TTL; start runs one at once, stop ends it", async () => {
    const old = await startRun(s, "build", "p");
    s.app.state.remove(); // the next init must not cancel this run
    s.advance(HOUR + 1);
    const fresh = await startRun(s, "deploy", "p");
    const job = new RunExpiryJob(s.app, { intervalMs: HOUR });
    job.start();
    while ((await s.app.repo.getRun(old))!.state !== "expired") await Bun.sleep(5);
    await job.stop();
    expect((await s.app.repo.getRun(fresh))!.state).toBe("initialized");
    expect(await job.runOnce()).toBe(0);
    s.app.state.remove();
  });

  test("a list with no run overdue takes no write lock: it answers while another connection holds it", async () => {
    const other = new Database(join(s.app.config.home, "cairn.db"));
    other.exec("BEGIN IMMEDIATE");
    try {
      const started = performance.now();
      expect((await listRuns(s.app, {})).items.length).toBe(2);
      expect(performance.now() - started).toBeLessThan(1000); // busy_timeout is 5 s: an UPDATE would wait it out
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
  });

  test("a list between two rounds still shows an overdue run expired", async () => {
    const open = await startRun(s, "test", "p");
    s.advance(HOUR + 1);
    const run = (await listRuns(s.app, {})).items.find((r) => r.id === open)!;
    expect(run).toMatchObject({ state: "expired", reason: "expired after 1h" });
  });
});

const skip = pgMissing();

describe.skipIf(skip !== undefined)(`run expiry job on two replicas of one PostgreSQL database${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pg: TestDatabase;
  let a: TestStore;
  let b: TestStore;
  beforeAll(async () => {
    pg = (await testDatabase())!;
    a = await testStore({ CAIRN_DATABASE_URL: pg.url });
    b = await testStore({ CAIRN_DATABASE_URL: pg.url });
    b.advance(7); // b's clock is 7 ms ahead: finished_at says which replica expired a run
  }, 30_000);
  afterAll(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await pg?.drop();
  });

  const states = () => pg.db.query<{ id: string; state: string; finished_at: string | null }>("SELECT id, state, finished_at FROM workflow_runs ORDER BY id");

  test("while one replica's round holds the lock, the other's skips", async () => {
    const overdue = await startRun(a, "first", "p");
    a.app.state.remove();
    a.advance(HOUR + 1);
    b.advance(HOUR + 1);
    let entered!: () => void;
    let release!: () => void;
    const holding = new Promise<void>((r) => (entered = r));
    const gate = new Promise<void>((r) => (release = r));
    const held = b.app.repo.transaction(async () => {
      expect(await b.app.repo.tryLockName("job", "run-expiry")).toBe(true);
      entered();
      await gate;
    });
    await holding;
    expect(await new RunExpiryJob(a.app).runOnce()).toBe("skipped");
    release();
    await held;
    expect(await new RunExpiryJob(a.app).runOnce()).toBe(1);
    expect((await a.app.repo.getRun(overdue))!.state).toBe("expired");
    expect(await new RunExpiryJob(b.app).runOnce()).toBe(0);
  });

  test("rounds racing on both replicas expire each run once, all by one replica, and drop each remote state once", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push(await startRun(a, `w${i}`, "p"));
      a.app.state.remove(); // the next init must not cancel this run
    }
    const orgId = (await a.app.repo.findOrg("default"))!.id;
    for (const id of ids) await a.app.states.insert({ id, orgId, runId: id, state: "{}" }, a.app.clock.now().toISOString());
    a.advance(HOUR + 1);
    b.advance(HOUR + 1);
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([new RunExpiryJob(a.app).runOnce(), new RunExpiryJob(b.app).runOnce()]);
      const expired = results.filter((r): r is number => r !== "skipped").reduce((x, y) => x + y, 0);
      expect(expired).toBe(round === 0 ? ids.length : 0);
    }
    const rows = (await states()).filter((r) => ids.includes(r.id));
    expect(rows.map((r) => r.state)).toEqual(ids.map(() => "expired"));
    expect(new Set(rows.map((r) => r.finished_at)).size).toBe(1); // one UPDATE on one replica
    for (const id of ids) expect(await a.app.states.get(orgId, id)).toBeUndefined();
  });
});
