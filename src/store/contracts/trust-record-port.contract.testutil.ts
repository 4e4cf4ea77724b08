/** Test support: the TrustRecordRepo contract (one record; the first claim wins, on any replica), as each store runs it. */
import { describe, expect, test } from "bun:test";
import type { TrustRecordRepo } from "../trust-record-port.ts";
import type { OpenStore } from "./contract-store.testutil.ts";

export interface TrustRecordPorts {
  trustRecord: TrustRecordRepo;
  /** The same store over another connection: another replica of `cairn serve`. */
  replica(): Promise<TrustRecordRepo>;
}

export function trustRecordContract(name: string, open: OpenStore<TrustRecordPorts>): void {
  describe(`TrustRecordRepo contract: ${name}`, () => {
    test("none, then the first claim; later claims answer it; replace overwrites it", async () => {
      const p = await open();
      try {
        const other = await p.replica();
        expect(await p.trustRecord.get()).toBeUndefined();
        expect(await p.trustRecord.claim("a")).toBe("a");
        expect(await other.claim("b")).toBe("a");
        await other.replace("c");
        expect([await p.trustRecord.get(), await p.trustRecord.claim("d")]).toEqual(["c", "c"]);
      } finally {
        await p.close();
      }
    });

    test("claims from several replicas at once: one wins, all answer it", async () => {
      const p = await open();
      try {
        const repos = [p.trustRecord, await p.replica(), await p.replica()];
        const got = await Promise.all(repos.flatMap((r, i) => [r.claim(`r${i}a`), r.claim(`r${i}b`)]));
        expect(new Set(got).size).toBe(1);
        expect(await p.trustRecord.get()).toBe(got[0]);
      } finally {
        await p.close();
      }
    });
  });
}
