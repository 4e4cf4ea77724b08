import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { pgStore } from "./pg-ports.testutil.ts";
import { policyRepoContract, policyRevision } from "../contracts/policy-port.contract.testutil.ts";
import { PgPolicyRepo } from "./policy-repo.ts";

setDefaultTimeout(60_000);
const { open, skip } = pgStore((db) => new PgPolicyRepo(db));
if (skip) test.skip(`PgPolicyRepo: PolicyRepo contract (skipped: ${skip})`, () => {});
else policyRepoContract("PgPolicyRepo", open);

describe.skipIf(skip !== undefined)("PgPolicyRepo: what is particular to PostgreSQL", () => {
  test("concurrent adds of one name, each reading latest() in its transaction as addPolicyText does, get revisions 1..n", async () => {
    const s = await open();
    try {
      await s.seed.org("o1", "acme");
      const add = (i: number) => s.db.transaction(async () => {
        const latest = await s.port.latest("o1", "sbom");
        await Bun.sleep(5);
        await s.port.insertRevision(policyRevision("sbom", (latest?.revision ?? 0) + 1, { id: `r${i}` }));
      });
      await Promise.all([0, 1, 2, 3, 4].map(add));
      expect((await s.port.listRevisions("o1", "sbom")).map((r) => r.revision)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await s.close();
    }
  });

  test("a revision number taken without that lock is ALREADY_EXISTS, and the caller's transaction stays usable", async () => {
    const s = await open();
    try {
      await s.seed.org("o1", "acme");
      await s.port.insertRevision(policyRevision("sbom", 1));
      await s.db.transaction(async () => {
        const e = await expectCode(() => s.port.insertRevision(policyRevision("sbom", 1, { id: "late" })), "ALREADY_EXISTS");
        expect(e.message).toContain("policy sbom already has a revision 1");
        await s.port.insertRevision(policyRevision("sbom", 2));
      });
      expect((await s.port.listRevisions("o1", "sbom")).map((r) => r.revision)).toEqual([1, 2]);
    } finally {
      await s.close();
    }
  });
});
