/** The behaviour every OrgRepo adapter shares (src/store/org-port.ts), run against each store. */
import { describe, expect, test } from "bun:test";
import type { NewToken, OrgRepo } from "../org-port.ts";
import type { ContractStore, OpenStore } from "./contract-store.testutil.ts";

type Port = OrgRepo;
const T0 = "2025-01-01T00:00:00.000Z";
const T1 = "2025-01-02T00:00:00.000Z";
const T2 = "2025-01-03T00:00:00.000Z";

export const newToken = (orgId: string, id: string, name: string, over: Partial<NewToken> = {}): NewToken => ({
  id, orgId, name, description: null, projectId: null, workflowId: null, tokenHash: `hash-${id}`, createdAt: T0, expiresAt: null,
  role: "maintainer", createdBy: "local", ...over,
});

async function withStore(open: OpenStore<ContractStore<Port>>, fn: (port: Port, s: ContractStore<Port>) => Promise<void>): Promise<void> {
  const s = await open();
  try {
    await fn(s.port, s);
  } finally {
    await s.close();
  }
}

export function orgRepoContract(name: string, open: OpenStore<ContractStore<Port>>): void {
  describe(`${name}: OrgRepo contract`, () => {
    test("organizations: created with an id, found by name, listed by name (bytewise) in keyset pages; a taken name is refused", () =>
      withStore(open, async (repo) => {
        const acme = await repo.insertOrg("acme", T0);
        expect(acme).toEqual({ id: expect.any(String), name: "acme", createdAt: T0 });
        for (const n of ["zeta", "Beta", "_x"]) await repo.insertOrg(n, T1);
        expect(await repo.getOrg("acme")).toEqual(acme);
        expect(await repo.getOrg("ACME")).toBeUndefined();
        expect((await repo.listOrgs(10)).map((o) => o.name)).toEqual(["Beta", "_x", "acme", "zeta"]);
        expect((await repo.listOrgs(2, "_x")).map((o) => o.name)).toEqual(["acme", "zeta"]);
        await expect(repo.insertOrg("acme", T1)).rejects.toThrow();
      }));

    test("the current organization setting, limits and the implicit-workflows switch", () =>
      withStore(open, async (repo) => {
        expect(await repo.currentOrg()).toBeUndefined();
        await repo.setCurrentOrg("acme");
        await repo.setCurrentOrg("other");
        expect(await repo.currentOrg()).toBe("other");
        const o = await repo.insertOrg("acme", T0);
        expect(await repo.maxBlobBytes(o.id)).toBeNull();
        await repo.setMaxBlobBytes(o.id, 5 * 2 ** 32); // past 32 bits
        expect(await repo.maxBlobBytes(o.id)).toBe(5 * 2 ** 32);
        await repo.setMaxBlobBytes(o.id, null);
        expect(await repo.maxBlobBytes(o.id)).toBeNull();
        expect(await repo.implicitWorkflows(o.id)).toBe(true);
        await repo.setImplicitWorkflows(o.id, false);
        expect(await repo.implicitWorkflows(o.id)).toBe(false);
        expect(await repo.implicitWorkflows("no-such-org")).toBe(true);
      }));

    test("tokens: stored with their scope's names, found by id, hash and live name; revoked once; touched", () =>
      withStore(open, async (repo, s) => {
        const o = await repo.insertOrg("acme", T0);
        await s.seed.project(o.id, "p1", "web");
        await s.seed.workflow(o.id, "p1", "w1", "build", T1);
        expect(await repo.findProject(o.id, "web")).toEqual({ id: "p1", name: "web" });
        expect(await repo.findProject(o.id, "nope")).toBeUndefined();
        await repo.insertToken(newToken(o.id, "t1", "ci", { projectId: "p1", workflowId: "w1", role: "attestor", description: "d", expiresAt: T2 }));
        await repo.insertToken(newToken(o.id, "t2", "root", { admin: true, role: "admin" }));
        const t1 = await repo.getToken(o.id, "t1");
        expect(t1).toEqual({
          id: "t1", orgId: o.id, orgName: "acme", name: "ci", description: "d", projectId: "p1", workflowId: "w1", admin: false, role: "attestor",
          createdBy: "local", project: "web", workflow: "build", workflowDeleted: true, createdAt: T0, expiresAt: T2, revokedAt: null, lastUsedAt: null,
        });
        expect(await repo.getToken("other-org", "t1")).toBeUndefined();
        expect((await repo.findTokenByHash("hash-t2"))).toMatchObject({ id: "t2", admin: true, project: null, workflow: null, workflowDeleted: false });
        expect(await repo.findTokenByHash("nope")).toBeUndefined();
        expect((await repo.findLiveTokenByName(o.id, "ci", T1))?.id).toBe("t1");
        expect(await repo.findLiveTokenByName(o.id, "ci", T2)).toBeUndefined(); // expired at T2
        await repo.touchToken("t1", T1);
        expect((await repo.getToken(o.id, "t1"))?.lastUsedAt).toBe(T1);
        await repo.revokeToken("t2", T1);
        await repo.revokeToken("t2", T2);
        expect((await repo.getToken(o.id, "t2"))?.revokedAt).toBe(T1);
        expect(await repo.findLiveTokenByName(o.id, "root", T1)).toBeUndefined();
        expect(await repo.hasAdminToken()).toBe(true); // revoked admin tokens count
      }));

    test("listTokens: newest first, by status at `now`, in keyset pages", () =>
      withStore(open, async (repo) => {
        const o = await repo.insertOrg("acme", T0);
        expect(await repo.hasAdminToken()).toBe(false);
        await repo.insertToken(newToken(o.id, "a", "a", { createdAt: T0 }));
        await repo.insertToken(newToken(o.id, "b", "b", { createdAt: T1, expiresAt: T2 }));
        await repo.insertToken(newToken(o.id, "c", "c", { createdAt: T1 }));
        await repo.insertToken(newToken(o.id, "d", "d", { createdAt: T2 }));
        await repo.revokeToken("d", T2);
        const ids = async (q: Partial<Parameters<Port["listTokens"]>[0]>) => (await repo.listTokens({ orgId: o.id, now: T2, limit: 10, ...q })).map((t) => t.id);
        expect(await ids({})).toEqual(["d", "c", "b", "a"]);
        expect(await ids({ status: "active" })).toEqual(["c", "a"]);
        expect(await ids({ status: "expired" })).toEqual(["b"]);
        expect(await ids({ status: "revoked" })).toEqual(["d"]);
        expect(await ids({ status: "active", now: T0 })).toEqual(["c", "b", "a"]);
        expect(await ids({ limit: 2 })).toEqual(["d", "c"]);
        expect(await ids({ after: { createdAt: T1, id: "c" } })).toEqual(["b", "a"]);
        expect(await ids({ orgId: "other" })).toEqual([]);
      }));

    test("blob references: attestations (with run and org), uploads, downloadable referrers; isBlobReferenced; attested runs", () =>
      withStore(open, async (repo, s) => {
        const o = await repo.insertOrg("acme", T0);
        await s.seed.project(o.id, "p1", "web");
        await s.seed.workflow(o.id, "p1", "w1", "build");
        await s.seed.blobs(o.id, "w1", { attestation: "sha256:att", upload: "sha256:up", referrer: "sha256:ref" });
        expect(await Array.fromAsync(repo.referencedBlobs())).toEqual([
          { digest: "sha256:att", source: "attestation", runId: "run-sha256:att", orgId: o.id },
          { digest: "sha256:up", source: "upload" },
          { digest: "sha256:ref", source: "referrer" },
        ]);
        for (const d of ["sha256:att", "sha256:up", "sha256:ref"]) expect(await repo.isBlobReferenced(d)).toBe(true);
        expect(await repo.isBlobReferenced("sha256:none")).toBe(false);
        expect(await Array.fromAsync(repo.attestedRuns())).toEqual([
          { id: "run-sha256:att", orgId: o.id, state: "succeeded", attestationDigest: "sha256:att", workflow: "build", project: "web" },
        ]);
        expect(await repo.integrityCheck()).toEqual([]);
      }));
  });
}
