/** The behaviour every OrgKeyRepo adapter shares (src/store/org-key-port.ts), run against each store. */
import { describe, expect, test } from "bun:test";
import type { OrgKeyRepo } from "../org-key-port.ts";
import { withTwoOrgs, type ContractStore, type OpenStore } from "./contract-store.testutil.ts";

type Port = OrgKeyRepo;

export const orgKey = (id: string, orgId: string, name: string, keyId = `kid-${id}`) => ({
  id,
  orgId,
  name,
  algorithm: "ed25519" as const,
  publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${id}\n-----END PUBLIC KEY-----\n`,
  keyId,
  createdAt: "2025-01-01T00:00:00Z",
  createdBy: "local",
});

export function orgKeyRepoContract(name: string, open: OpenStore<ContractStore<Port>>): void {
  describe(`${name}: OrgKeyRepo contract`, () => {
    test("stores a key and finds it live by name and by key id, per organization", () =>
      withTwoOrgs(open, async (repo) => {
        await repo.insertKey(orgKey("k1", "o1", "ci"));
        expect(await repo.findLiveByName("o1", "ci")).toEqual({ ...orgKey("k1", "o1", "ci"), removedAt: null });
        expect((await repo.findLiveByKeyId("o1", "kid-k1"))?.name).toBe("ci");
        expect(await repo.findLiveByName("o2", "ci")).toBeUndefined();
        expect(await repo.findLiveByKeyId("o2", "kid-k1")).toBeUndefined();
      }));

    test("a second live key with the same name or key id is refused; other organizations are independent", () =>
      withTwoOrgs(open, async (repo) => {
        await repo.insertKey(orgKey("k1", "o1", "ci"));
        await expect(repo.insertKey(orgKey("k2", "o1", "ci"))).rejects.toThrow();
        await expect(repo.insertKey(orgKey("k3", "o1", "release", "kid-k1"))).rejects.toThrow();
        await repo.insertKey(orgKey("k4", "o2", "ci", "kid-k1"));
        expect((await repo.liveKeys("o2")).map((k) => k.id)).toEqual(["k4"]);
        expect((await repo.liveKeys("o1")).map((k) => k.id)).toEqual(["k1"]);
      }));

    test("removal is soft and once: the name and the key become free, the row stays", () =>
      withTwoOrgs(open, async (repo) => {
        await repo.insertKey(orgKey("k1", "o1", "ci"));
        await repo.removeKey("k1", "2025-02-01T00:00:00Z");
        await repo.removeKey("k1", "2025-03-01T00:00:00Z");
        expect(await repo.findLiveByName("o1", "ci")).toBeUndefined();
        expect(await repo.findLiveByKeyId("o1", "kid-k1")).toBeUndefined();
        await repo.insertKey(orgKey("k5", "o1", "ci", "kid-k1"));
        expect((await repo.listKeys({ orgId: "o1", limit: 10 })).map((k) => [k.id, k.removedAt])).toEqual([
          ["k1", "2025-02-01T00:00:00Z"],
          ["k5", null],
        ]);
      }));

    test("lists by name then id (bytewise), filtered by status, in keyset pages", () =>
      withTwoOrgs(open, async (repo) => {
        await repo.insertKey(orgKey("k1", "o1", "ci"));
        await repo.removeKey("k1", "2025-02-01T00:00:00Z");
        for (const [id, n] of [["k5", "ci"], ["k6", "audit"], ["k7", "zeta"], ["k8", "Zulu"]] as const) await repo.insertKey(orgKey(id, "o1", n));
        expect((await repo.listKeys({ orgId: "o1", status: "active", limit: 10 })).map((k) => k.id)).toEqual(["k8", "k6", "k5", "k7"]);
        expect((await repo.listKeys({ orgId: "o1", status: "removed", limit: 10 })).map((k) => k.id)).toEqual(["k1"]);
        expect((await repo.listKeys({ orgId: "o1", limit: 3 })).map((k) => k.id)).toEqual(["k8", "k6", "k1"]);
        expect((await repo.listKeys({ orgId: "o1", limit: 10, after: { name: "ci", id: "k1" } })).map((k) => k.id)).toEqual(["k5", "k7"]);
        expect((await repo.liveKeys("o1")).map((k) => k.name)).toEqual(["Zulu", "audit", "ci", "zeta"]);
        expect(await repo.listKeys({ orgId: "o2", limit: 10 })).toEqual([]);
      }));
  });
}
