/**
 * Test support: the TlogRepo contract (entries, tiles and checkpoints in one append; a batch for a stale size is
 * refused whole; appenders on several replicas get consecutive indexes), as each store runs it.
 */
import { describe, expect, test } from "bun:test";
import type { NewLogEntries, TlogRepo } from "../tlog-port.ts";
import type { OpenStore } from "./contract-store.testutil.ts";

export interface TlogPorts {
  tlog: TlogRepo;
  /** The same log over another connection: another replica of `cairn serve`. */
  replica(): Promise<TlogRepo>;
}

const h = (n: number) => new Uint8Array(32).fill(n);
const cp = (size: number) => ({ size, root: h(200 + (size % 50)), note: `origin\n${size}\nroot\n\n— origin sig\n`, createdAt: "2026-12-03T00:00:00.000Z" });
const batch = (size: number, ns: number[], tiles: NewLogEntries["tiles"] = []): NewLogEntries => ({
  bodies: ns.map((n) => new Uint8Array([n])),
  bodyHashes: ns.map(h),
  tiles,
  checkpoint: cp(size + ns.length),
});

export function tlogContract(name: string, open: OpenStore<TlogPorts>): void {
  describe(`TlogRepo contract: ${name}`, () => {
    const withLog = (fn: (p: TlogPorts) => Promise<void>) => async () => {
      const p = await open();
      try {
        await fn(p);
      } finally {
        await p.close();
      }
    };

    test("empty, then one transaction of entries, tiles and checkpoint", withLog(async ({ tlog }) => {
      expect([await tlog.size(), await tlog.latestCheckpoint(), await tlog.tile(0, 0)]).toEqual([0, undefined, undefined]);
      await tlog.append(0, batch(0, []), "t0");
      await tlog.append(0, batch(0, [1, 2], [{ level: 0, index: 0, data: Buffer.concat([h(11), h(12)]) }]), "t1");
      expect(await tlog.size()).toBe(2);
      expect(await tlog.bodies(0, 2)).toEqual([new Uint8Array([1]), new Uint8Array([2])]);
      expect(await tlog.bodies(1, 5)).toEqual([new Uint8Array([2])]);
      expect(await tlog.indexOfBody(h(2))).toBe(1);
      expect(await tlog.indexOfBody(h(9))).toBeUndefined();
      expect((await tlog.tile(0, 0))!.length).toBe(64);
      expect(await tlog.latestCheckpoint()).toEqual(cp(2));
      expect(await tlog.checkpointAt(0)).toEqual(cp(0));
      expect(await tlog.checkpointAt(1)).toBeUndefined();
    }));

    test("a batch prepared for another size is refused whole; a duplicate body fails it; a tile only grows", withLog(async ({ tlog }) => {
      await tlog.append(0, batch(0, [1, 2], [{ level: 0, index: 0, data: Buffer.concat([h(11), h(12)]) }]), "t1");
      await expect(tlog.append(1, { ...batch(1, [3]), checkpoint: cp(2) }, "t2")).rejects.toThrow(/grew to 2/);
      expect([await tlog.size(), await tlog.indexOfBody(h(3))]).toEqual([2, undefined]);
      await expect(tlog.append(2, batch(2, [1]), "t3")).rejects.toThrow();
      expect([await tlog.size(), await tlog.checkpointAt(3)]).toEqual([2, undefined]);
      await tlog.append(2, batch(2, [3], [{ level: 0, index: 0, data: Buffer.concat([h(11), h(12), h(13)]) }]), "t3");
      expect((await tlog.tile(0, 0))!.length).toBe(96);
      await expect(tlog.append(3, batch(3, [4], [{ level: 0, index: 0, data: Buffer.concat([h(99), h(12), h(13), h(14)]) }]), "t4")).rejects.toThrow(/only grow/);
      expect([await tlog.size(), await tlog.indexOfBody(h(4))]).toEqual([3, undefined]);
    }));

    test("20 appenders on three replicas, each retrying a refused batch: indexes 0..19, no gap, no duplicate", withLog(async (p) => {
      const repos = [p.tlog, await p.replica(), await p.replica()];
      const appendOne = async (n: number, repo: TlogRepo) => {
        for (;;) {
          const size = await repo.size();
          try {
            await repo.append(size, batch(size, [n]), "t");
            return;
          } catch (e) {
            if (!/grew to/.test((e as Error).message)) throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, (_, n) => appendOne(n + 1, repos[n % 3]!)));
      expect(await p.tlog.size()).toBe(20);
      const bodies = (await p.tlog.bodies(0, 20)).map((b) => b[0]!);
      expect([...bodies].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
      for (const [i, n] of bodies.entries()) expect(await p.tlog.indexOfBody(h(n))).toBe(i);
      expect((await p.tlog.latestCheckpoint())!.size).toBe(20);
      for (let s = 1; s <= 20; s++) expect((await p.tlog.checkpointAt(s))?.size).toBe(s);
    }));
  });
}
