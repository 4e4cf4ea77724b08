import { afterEach, describe, expect, test } from "bun:test";
import type { CraftingState } from "../../crafter/state/types.ts";
import { testStore, type TestStore } from "../../services/control/runs.testutil.ts";
import { startRemoteInit } from "../../services/crafting/served-init.ts";
import { expectCode } from "../../test-helpers.ts";
import { SqliteStateStore } from "./state-repo.ts";

let s: TestStore;
afterEach(() => s?.cleanup());

const observations = { runner: { type: "RUNNER_TYPE_UNSPECIFIED" as const }, env: {} };

/** A run with its state kept on the "server" (this store), as POST /api/v1/attestations/init makes it. */
async function remoteRun(): Promise<{ id: string; orgId: string; store: (attempts?: number) => SqliteStateStore }> {
  s = await testStore();
  const { state } = await startRemoteInit(s.app, { workflow: "build", project: "p", dryRun: false }, { observations, remoteState: true });
  const orgId = (await s.app.repo.findOrg("default"))!.id;
  const now = () => s.app.clock.now().toISOString();
  return {
    id: state.attestationId,
    orgId,
    store: (attempts = 30) => new SqliteStateStore(s.app.states, orgId, state.attestationId, now, { attempts, baseDelayMs: 1 }),
  };
}

/** An update whose fn yields to the event loop first, so concurrent updates interleave between read and write. */
const addString = (name: string) => async (st: CraftingState) => {
  await Bun.sleep(Math.random() * 5);
  const m = { name, kind: "STRING", digest: `sha256:${"0".repeat(64)}`, value: name, uploaded: false, output: false, required: false, fromContract: false, addedAt: "t", annotations: {}, warnings: [] };
  return { state: { ...st, materials: { ...st.materials, [name]: m } }, result: name };
};

describe("SqliteStateStore: optimistic locking on the version", () => {
  test("init stores the state at version 1 in the run's transaction", async () => {
    const r = await remoteRun();
    const row = (await s.app.states.get(r.orgId, r.id))!;
    expect([row.version, row.runId]).toEqual([1, r.id]);
    expect((await r.store().read()).workflow.runId).toBe(r.id);
  });

  test("a swap from a stale version is refused; the current one wins and bumps the version", async () => {
    const r = await remoteRun();
    const row = (await s.app.states.get(r.orgId, r.id))!;
    expect((await s.app.states.swap(r.orgId, r.id, 1, row.state, "t1"))).toBe(2);
    expect((await s.app.states.swap(r.orgId, r.id, 1, row.state, "t2"))).toBeUndefined();
    expect((await s.app.states.get(r.orgId, r.id))!.version).toBe(2);
  });

  test("concurrent updates all land: each loser re-reads and re-applies its change", async () => {
    const r = await remoteRun();
    const names = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const results = await Promise.all(names.map((n) => r.store().update(addString(n))));
    expect(results).toEqual(names);
    const st = await r.store().read();
    expect(Object.keys(st.materials).sort()).toEqual([...names].sort());
    expect((await s.app.states.get(r.orgId, r.id))!.version).toBe(1 + names.length);
  });

  test("retries are bounded: a writer that always loses gives up with STATE_INVALID and changes nothing", async () => {
    const r = await remoteRun();
    const rival = r.store();
    const loser = r.store(3);
    let calls = 0;
    const e = await expectCode(
      () =>
        loser.update(async (st) => {
          calls++;
          await rival.write({ ...st, env: { RIVAL: String(calls) } }); // someone else writes in between, every time
          return { state: { ...st, env: { LOSER: "1" } }, result: undefined };
        }),
      "STATE_INVALID",
    );
    expect(e.message).toContain("3 attempts");
    expect(calls).toBe(3);
    expect((await r.store().read()).env).toEqual({ RIVAL: "3" });
  });

  test("remove is idempotent; a missing state is STATE_MISSING", async () => {
    const r = await remoteRun();
    const st = r.store();
    expect(await st.exists()).toBe(true);
    await st.remove();
    await st.remove();
    expect(await st.exists()).toBe(false);
    await expectCode(() => st.read(), "STATE_MISSING");
  });
});
