/**
 * Test support: the AttestationStateRepo contract (remote crafting states, optimistic locking on `version`), and the
 * state store over it (sqlite/state-repo.ts SqliteStateStore, which only uses the port), as each store runs it.
 */
import { describe, expect, test } from "bun:test";
import { STATE_VERSION, type CraftingState } from "../../crafter/state/types.ts";
import { EMPTY_CONTRACT } from "../../crafter/contract/types.ts";
import { expectCode } from "../../test-helpers.ts";
import type { AttestationStateRepo } from "../state-port.ts";
import { SqliteStateStore } from "../sqlite/state-repo.ts";
import type { OpenStore } from "./contract-store.testutil.ts";

export interface StatePorts {
  states: AttestationStateRepo;
  /** A new organization with a run (state 'initialized') in it: what `attestation init` leaves before the state row. */
  seedRun(): Promise<{ orgId: string; runId: string }>;
  /** The run ends (state 'failed'), as a cancel or an expiry would. */
  finishRun(runId: string): Promise<void>;
  /** The same store over another connection: another replica of `cairn serve`. */
  replica(): Promise<AttestationStateRepo>;
}

const T0 = "2025-01-01T00:00:00.000Z";
const state = (runId: string): CraftingState => ({
  version: STATE_VERSION,
  attestationId: runId,
  dryRun: false,
  initializedAt: T0,
  workflow: { name: "build", project: "p", organization: "o", runId, contractName: "default", contractRevision: 1, contractRevisionLatest: 1 },
  contract: EMPTY_CONTRACT,
  runner: { type: "RUNNER_TYPE_UNSPECIFIED" },
  env: {},
  materials: {},
});

/** An update whose fn yields to the event loop first, so concurrent updates interleave between read and write. */
const addString = (name: string) => async (st: CraftingState) => {
  await Bun.sleep(Math.random() * 5);
  const m = { name, kind: "STRING", digest: `sha256:${"0".repeat(64)}`, value: name, uploaded: false, output: false, required: false, fromContract: false, addedAt: "t", annotations: {}, warnings: [] };
  return { state: { ...st, materials: { ...st.materials, [name]: m } }, result: name };
};

export function stateContract(name: string, open: OpenStore<StatePorts>): void {
  describe(`AttestationStateRepo contract: ${name}`, () => {
    const withStore = (fn: (p: StatePorts, r: { orgId: string; runId: string }) => Promise<void>) => async () => {
      const p = await open();
      try {
        const r = await p.seedRun();
        await p.states.insert({ id: r.runId, orgId: r.orgId, runId: r.runId, state: JSON.stringify(state(r.runId)) }, T0);
        await fn(p, r);
      } finally {
        await p.close();
      }
    };
    const store = (p: StatePorts, r: { orgId: string; runId: string }, attempts = 30) =>
      new SqliteStateStore(p.states, r.orgId, r.runId, () => new Date().toISOString(), { attempts, baseDelayMs: 1 });

    test("insert stores the state at version 1; get is per organization", withStore(async (p, r) => {
      expect(await p.states.get(r.orgId, r.runId)).toEqual({ id: r.runId, orgId: r.orgId, runId: r.runId, state: JSON.stringify(state(r.runId)), version: 1, updatedAt: T0 });
      expect(await p.states.get("other-org", r.runId)).toBeUndefined();
      expect((await store(p, r).read()).workflow.runId).toBe(r.runId);
      await expect(p.states.insert({ id: r.runId, orgId: r.orgId, runId: r.runId, state: "{}" }, T0)).rejects.toThrow();
    }));

    test("a swap from a stale version is refused; the current one wins and bumps the version", withStore(async (p, r) => {
      const row = (await p.states.get(r.orgId, r.runId))!;
      expect(await p.states.swap(r.orgId, r.runId, 1, row.state, "t1")).toBe(2);
      expect(await p.states.swap(r.orgId, r.runId, 1, row.state, "t2")).toBeUndefined();
      expect(await p.states.swap("other-org", r.runId, 2, row.state, "t2")).toBeUndefined();
      expect(await p.states.get(r.orgId, r.runId)).toMatchObject({ version: 2, updatedAt: "t1" });
    }));

    test("concurrent swaps from one version on two replicas: exactly one wins", withStore(async (p, r) => {
      const other = await p.replica();
      for (let round = 1; round <= 5; round++) {
        const repos = Array.from({ length: 8 }, (_, i) => (i % 2 ? other : p.states));
        const results = await Promise.all(repos.map((repo, i) => repo.swap(r.orgId, r.runId, round, `{"w":${i}}`, `t${round}`)));
        expect(results.filter((v) => v === round + 1).length).toBe(1);
        expect(results.filter((v) => v === undefined).length).toBe(7);
      }
      expect((await p.states.get(r.orgId, r.runId))!.version).toBe(6);
    }));

    test("concurrent updates all land: each loser re-reads and re-applies its change", withStore(async (p, r) => {
      const names = Array.from({ length: 12 }, (_, i) => `m${i}`);
      const results = await Promise.all(names.map((n) => store(p, r).update(addString(n))));
      expect(results).toEqual(names);
      expect(Object.keys((await store(p, r).read()).materials).sort()).toEqual([...names].sort());
      expect((await p.states.get(r.orgId, r.runId))!.version).toBe(1 + names.length);
    }));

    test("retries are bounded: a writer that always loses gives up with STATE_INVALID and changes nothing", withStore(async (p, r) => {
      const rival = store(p, r);
      let calls = 0;
      const e = await expectCode(
        () =>
          store(p, r, 3).update(async (st) => {
            calls++;
            await rival.write({ ...st, env: { RIVAL: String(calls) } });
            return { state: { ...st, env: { LOSER: "1" } }, result: undefined };
          }),
        "STATE_INVALID",
      );
      expect(e.message).toContain("3 attempts");
      expect(calls).toBe(3);
      expect((await store(p, r).read()).env).toEqual({ RIVAL: "3" });
    }));

    test("remove is idempotent; a missing state is STATE_MISSING; delete says whether a row went", withStore(async (p, r) => {
      const st = store(p, r);
      expect(await st.exists()).toBe(true);
      await st.remove();
      await st.remove();
      expect(await st.exists()).toBe(false);
      await expectCode(() => st.read(), "STATE_MISSING");
      expect(await p.states.delete(r.orgId, r.runId)).toBe(false);
    }));

    test("deleteClosed drops the states of runs no longer open, and only those", withStore(async (p, r) => {
      const closed = await p.seedRun();
      await p.states.insert({ id: closed.runId, orgId: closed.orgId, runId: closed.runId, state: "{}" }, T0);
      expect(await p.states.deleteClosed()).toBe(0);
      await p.finishRun(closed.runId);
      expect(await p.states.deleteClosed()).toBe(1);
      expect(await p.states.get(closed.orgId, closed.runId)).toBeUndefined();
      expect(await p.states.get(r.orgId, r.runId)).toBeDefined();
    }));
  });
}
