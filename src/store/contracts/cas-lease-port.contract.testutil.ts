/**
 * Test support: the CasLeaseRepo contract (ingest leases, run references, and exclusive(): no lease is taken while
 * gc checks and unlinks, on any replica), as each store runs it.
 */
import { describe, expect, test } from "bun:test";
import type { CasLeaseRepo } from "../cas-lease-port.ts";
import { selfWriter } from "../cas/writer.ts";
import type { OpenStore } from "./contract-store.testutil.ts";

export interface LeasePorts {
  leases: CasLeaseRepo;
  /** A new open run (state 'initialized') of this store; its id. */
  seedRun(): Promise<string>;
  /** The run ends (state 'succeeded'). */
  finishRun(runId: string): Promise<void>;
  /** The same store over another connection: another process or replica. */
  replica(): Promise<CasLeaseRepo>;
}

const D = `sha256:${"d".repeat(64)}`;
const E = `sha256:${"e".repeat(64)}`;
const EPOCH = new Date(0).toISOString();

export function leaseContract(name: string, open: OpenStore<LeasePorts>): void {
  describe(`CasLeaseRepo contract: ${name}`, () => {
    const withStore = (fn: (p: LeasePorts) => Promise<void>) => async () => {
      const p = await open();
      try {
        await fn(p);
      } finally {
        await p.close();
      }
    };

    test("an ingest lease: held by its owner, pruned when older than `since` or when its owner is dead", withStore(async ({ leases }) => {
      await leases.hold(D);
      await leases.hold(D); // taken again: one lease, renewed
      const past = new Date(Date.now() - 60_000).toISOString();
      expect(await leases.isLeased(D, past, () => true)).toBe(true);
      expect(await leases.isLeased(D, past, () => false)).toBe(false);
      expect(await leases.isLeased(D, new Date(Date.now() + 60_000).toISOString(), () => true)).toBe(false);
      expect(await leases.prune(past, () => false)).toEqual({ ingests: 0, refs: 0 });
      expect(await leases.prune(past, (w) => w.pid === selfWriter().pid)).toEqual({ ingests: 1, refs: 0 });
      expect(await leases.isLeased(D, past, () => true)).toBe(false);
      await leases.hold(E);
      expect(await leases.prune(new Date(Date.now() + 60_000).toISOString(), () => false)).toEqual({ ingests: 1, refs: 0 });
    }));

    test("a run reference: only for a run of this store; leases while the run is open; pruned once it closed", withStore(async (p) => {
      await p.leases.referFromRun("no-such-run", D, new Date().toISOString());
      expect(await p.leases.isLeased(D, EPOCH, () => true)).toBe(false);
      const run = await p.seedRun();
      await p.leases.referFromRun(run, D, new Date().toISOString());
      await p.leases.referFromRun(run, D, new Date().toISOString());
      expect(await p.leases.isLeased(D, EPOCH, () => false)).toBe(true);
      expect(await p.leases.prune(EPOCH, () => false)).toEqual({ ingests: 0, refs: 0 });
      await p.finishRun(run);
      expect(await p.leases.isLeased(D, EPOCH, () => false)).toBe(false);
      expect(await p.leases.prune(EPOCH, () => false)).toEqual({ ingests: 0, refs: 1 });
    }));

    test("exclusive: a lease another process takes meanwhile is not written before fn returns", withStore(async (p) => {
      const other = await p.replica();
      const order: string[] = [];
      let hold: Promise<void> | undefined;
      const seen = await p.leases.exclusive(async () => {
        // SQLite refuses the other connection at once (busy); PostgreSQL makes it wait for the lock.
        hold = other.hold(D).then(() => void order.push("held"), () => void order.push("refused"));
        await Bun.sleep(100);
        const leased = await p.leases.isLeased(D, EPOCH, () => true);
        order.push("exclusive done");
        return leased;
      });
      await hold;
      expect(seen).toBe(false);
      expect(order.indexOf("exclusive done")).toBe(order.includes("refused") ? 1 : 0);
      if (order.includes("held")) expect(await p.leases.isLeased(D, EPOCH, () => true)).toBe(true);
    }));

    test("exclusive returns fn's result and rethrows its error; leases from several replicas at once all land", withStore(async (p) => {
      expect(await p.leases.exclusive(async () => 42)).toBe(42);
      await expect(p.leases.exclusive(async () => Promise.reject(new Error("gc failed")))).rejects.toThrow("gc failed");
      const repos = [p.leases, await p.replica()];
      const digests = Array.from({ length: 10 }, (_, i) => `sha256:${String(i).repeat(64)}`);
      await Promise.all(digests.map((d, i) => repos[i % 2]!.hold(d)));
      for (const d of digests) expect(await p.leases.isLeased(d, EPOCH, () => true)).toBe(true);
    }));
  });
}
