/** The behaviour every PolicyRepo adapter shares (src/store/policy-port.ts), run against each store. */
import { describe, expect, test } from "bun:test";
import type { PolicyRepo, PolicyRevisionRecord } from "../policy-port.ts";
import { withTwoOrgs, type ContractStore, type OpenStore } from "./contract-store.testutil.ts";

type Port = PolicyRepo;

export const policyRevision = (name: string, revision: number, over: Partial<PolicyRevisionRecord> = {}): PolicyRevisionRecord => ({
  id: `${name}-${revision}-${over.orgId ?? "o1"}`, orgId: "o1", name, revision, description: `${name} r${revision}`, source: `name: ${name}\n# r${revision}`,
  digest: `sha256:${name}${revision}`, contentDigest: `content-${name}${revision}`, createdAt: `2025-01-0${revision}T00:00:00.000Z`, ...over,
});

export function policyRepoContract(name: string, open: OpenStore<ContractStore<Port>>): void {
  describe(`${name}: PolicyRepo contract`, () => {
    test("revisions: the latest, one by number, every one oldest first; per organization and name", () =>
      withTwoOrgs(open, async (repo) => {
        expect(await repo.latest("o1", "sbom")).toBeUndefined();
        for (const r of [1, 2, 3]) await repo.insertRevision(policyRevision("sbom", r));
        await repo.insertRevision(policyRevision("sbom", 1, { orgId: "o2" }));
        expect(await repo.latest("o1", "sbom")).toEqual(policyRevision("sbom", 3));
        expect(await repo.latest("o2", "sbom")).toEqual(policyRevision("sbom", 1, { orgId: "o2" }));
        expect(await repo.revision("o1", "sbom", 2)).toEqual(policyRevision("sbom", 2));
        expect(await repo.revision("o1", "sbom", 4)).toBeUndefined();
        expect(await repo.revision("o1", "other", 1)).toBeUndefined();
        expect(await repo.listRevisions("o1", "sbom")).toEqual([1, 2, 3].map((r) => ({ revision: r, digest: `sha256:sbom${r}`, createdAt: `2025-01-0${r}T00:00:00.000Z` })));
        expect(await repo.listRevisions("o1", "none")).toEqual([]);
      }));

    test("a revision number is taken once per organization and name", () =>
      withTwoOrgs(open, async (repo) => {
        await repo.insertRevision(policyRevision("sbom", 1));
        await expect(repo.insertRevision(policyRevision("sbom", 1, { id: "dup" }))).rejects.toThrow();
        await repo.insertRevision(policyRevision("sbom", 1, { orgId: "o2" }));
        expect(await repo.listRevisions("o1", "sbom")).toHaveLength(1);
      }));

    test("listPolicies: by name (bytewise), each with its latest revision and first creation, in keyset pages", () =>
      withTwoOrgs(open, async (repo) => {
        for (const r of [1, 2]) await repo.insertRevision(policyRevision("sbom", r));
        await repo.insertRevision(policyRevision("Vuln", 1));
        await repo.insertRevision(policyRevision("lic", 3));
        await repo.insertRevision(policyRevision("x", 1, { orgId: "o2" }));
        expect(await repo.listPolicies("o1", 10)).toEqual([
          { name: "Vuln", description: "Vuln r1", latestRevision: 1, digest: "sha256:Vuln1", createdAt: "2025-01-01T00:00:00.000Z", updatedAt: "2025-01-01T00:00:00.000Z" },
          { name: "lic", description: "lic r3", latestRevision: 3, digest: "sha256:lic3", createdAt: "2025-01-03T00:00:00.000Z", updatedAt: "2025-01-03T00:00:00.000Z" },
          { name: "sbom", description: "sbom r2", latestRevision: 2, digest: "sha256:sbom2", createdAt: "2025-01-01T00:00:00.000Z", updatedAt: "2025-01-02T00:00:00.000Z" },
        ]);
        expect((await repo.listPolicies("o1", 1)).map((p) => p.name)).toEqual(["Vuln"]);
        expect((await repo.listPolicies("o1", 10, "Vuln")).map((p) => p.name)).toEqual(["lic", "sbom"]);
        expect(await repo.listPolicies("nobody", 10)).toEqual([]);
      }));
  });
}
