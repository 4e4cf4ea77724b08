import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fsckStore } from "./fsck.ts";
import { TempStore } from "./store-fixture.testutil.ts";

let store: TempStore;
afterEach(() => store.cleanup());

/** Edits the database as someone with write access to the file would (no cairn code involved). */
function edit(sql: string, ...params: string[]): void {
  const db = new Database(join(store.home, "cairn.db"));
  try {
    db.query(sql).run(...params);
  } finally {
    db.close();
  }
}

/** Two key-signed runs, the key registered, and their run ids. */
async function twoRuns() {
  const app = await store.open();
  await store.registerKey(app);
  const a = await store.push(app, "build", "skynet", "first artifact\n");
  const b = await store.push(app, "test", "skynet", "second artifact\n");
  const idOf = async (d: string) => (await app.repo.findAttestation(d))!.runId;
  return { app, a: { ...a, run: await idOf(a.bundle) }, b: { ...b, run: await idOf(b.bundle) } };
}

const mismatches = (r: Awaited<ReturnType<typeof fsckStore>>) =>
  r.problems.flatMap((p) => (p.kind === "run-mismatch" || p.kind === "contract-mismatch" ? [{ kind: p.kind, runId: p.runId, reason: p.reason }] : []));

describe("store fsck: the database against the signed statements", () => {
  test("a clean store: every attested run matches its statement, every contract body its contractDigest", async () => {
    store = new TempStore();
    const { app } = await twoRuns();
    const r = await fsckStore(app);
    expect(r.problems).toEqual([]);
    expect(r.counts).toMatchObject({ runsChecked: 2, runMismatch: 0, contractMismatch: 0, contractUnbound: 0, dbIntegrity: 0 });
  });

  test("attestation digests swapped between two runs: both runs reported, naming the signed run id", async () => {
    store = new TempStore();
    const { app, a, b } = await twoRuns();
    edit("UPDATE workflow_runs SET attestation_digest = CASE id WHEN ?1 THEN ?3 ELSE ?4 END WHERE id IN (?1, ?2)", a.run, b.run, b.bundle, a.bundle);
    const r = await fsckStore(app);
    expect(r.ok).toBe(false);
    expect(mismatches(r).map((m) => m.runId).sort()).toEqual([a.run, b.run].sort());
    expect(mismatches(r).find((m) => m.runId === a.run)!.reason).toBe(`the signed workflowRunID is "${b.run}", but run ${a.run} says "${a.run}"`);
  });

  test("a flipped run state is reported (succeeded → failed, succeeded → blocked)", async () => {
    store = new TempStore();
    const { app, a, b } = await twoRuns();
    edit("UPDATE workflow_runs SET state = 'failed' WHERE id = ?", a.run);
    edit("UPDATE workflow_runs SET state = 'blocked' WHERE id = ?", b.run);
    const r = await fsckStore(app);
    expect(mismatches(r).sort((x, y) => (x.runId < y.runId ? -1 : 1))).toEqual(
      [
        { kind: "run-mismatch" as const, runId: a.run, reason: `the signed statement makes the run succeeded, but run ${a.run} is failed` },
        { kind: "run-mismatch" as const, runId: b.run, reason: `the signed statement makes the run succeeded, but run ${b.run} is blocked` },
      ].sort((x, y) => (x.runId < y.runId ? -1 : 1)),
    );
    expect(r.counts.runMismatch).toBe(2);
  });

  test("a run moved to another workflow is reported with the signed workflow name", async () => {
    store = new TempStore();
    const { app, a, b } = await twoRuns();
    edit("UPDATE workflow_runs SET workflow_id = (SELECT workflow_id FROM workflow_runs WHERE id = ?1) WHERE id = ?2", b.run, a.run);
    expect(mismatches(await fsckStore(app))).toEqual([{ kind: "run-mismatch", runId: a.run, reason: `the signed workflowName is "build", but run ${a.run} says "test"` }]);
  });

  test("a contract revision body edited in the database no longer hashes to the signed contractDigest", async () => {
    store = new TempStore();
    const { app, a } = await twoRuns();
    edit("UPDATE contract_revisions SET body = body || '# edited' WHERE contract_id = (SELECT w.contract_id FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id WHERE r.id = ?)", a.run);
    const found = mismatches(await fsckStore(app));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: "contract-mismatch", runId: a.run });
    expect(found[0]!.reason).toMatch(/the stored body hashes to sha256:[0-9a-f]{64}, the signed contractDigest is sha256:/);
  });

  test("a damaged database page: PRAGMA integrity_check's findings are a problem, never 'Store OK'", async () => {
    store = new TempStore();
    const { app } = await twoRuns();
    await app.close();
    const file = join(store.home, "cairn.db");
    const db = new Database(file);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const pageSize = (db.query("PRAGMA page_size").get() as { page_size: number }).page_size;
    // An index fsck itself never reads through, so the damage is found by integrity_check and nothing else.
    const { rootpage } = db.query("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' LIMIT 1").get() as { rootpage: number };
    db.close();
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
    closeSync(fd);
    const r = await fsckStore(await store.open());
    expect(r.ok).toBe(false);
    const damaged = r.problems.filter((p) => p.kind === "db-integrity");
    expect(damaged).toHaveLength(1);
    expect(damaged[0]!.kind === "db-integrity" && damaged[0]!.messages.length).toBeGreaterThan(0);
    expect(r.counts.dbIntegrity).toBe(1);
  });
});
