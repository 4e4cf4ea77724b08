/** Test support: the CasMappingRepo contract (who may read which blob, by scope), as each store runs it. */
import { describe, expect, test } from "bun:test";
import type { CasMapping, CasMappingRepo } from "../cas-mapping-port.ts";
import type { OpenStore } from "./contract-store.testutil.ts";

/** Two organizations; acme has projects p1 (workflows build, test) and p2 (deploy): the ids seed() made. */
export interface MappingIds {
  acme: string;
  other: string;
  p1: string;
  p2: string;
  build: string;
  test: string;
  deploy: string;
}

export interface CasMappingPorts {
  maps: CasMappingRepo;
  seed(): Promise<MappingIds>;
}

const NOW = "2026-01-01T00:00:00.000Z";
const D = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

export function casMappingContract(name: string, open: OpenStore<CasMappingPorts>): void {
  describe(`CasMappingRepo contract: ${name}`, () => {
    const withStore = (fn: (maps: CasMappingRepo, ids: MappingIds) => Promise<void>) => async () => {
      const p = await open();
      try {
        await fn(p.maps, await p.seed());
      } finally {
        await p.close();
      }
    };

    test("record is idempotent per (org, digest, project, workflow): the first keeps its source and name; the workflow's project is filled in", withStore(async (maps, ids) => {
      const m: CasMapping = { orgId: ids.acme, digest: D(1), source: "upload", name: "first.bin", createdAt: NOW };
      await maps.record(m);
      await maps.record({ ...m, name: "second.bin", source: "attestation", createdAt: "2027-01-01T00:00:00.000Z" });
      await Promise.all([maps.record({ ...m, scope: { projectId: ids.p1 } }), maps.record({ ...m, scope: { projectId: ids.p1 } })]);
      await maps.record({ ...m, scope: { workflowId: ids.build }, name: "wf.bin" });
      await maps.record({ ...m, scope: { projectId: ids.p1, workflowId: ids.build }, name: "again.bin" });
      expect(await maps.nameFor(ids.acme, D(1))).toBe("first.bin");
      expect(await maps.nameFor(ids.acme, D(1), { projectId: ids.p1, workflowId: ids.build })).toBe("wf.bin");
      expect(await maps.holds(ids.acme, D(1), { projectId: ids.p1, workflowId: ids.build })).toBe(true);
      expect(await maps.holds(ids.other, D(1))).toBe(false);
    }));

    test("a workflow of another organization or project is refused", withStore(async (maps, ids) => {
      const m: CasMapping = { orgId: ids.other, digest: D(2), source: "upload", scope: { workflowId: ids.build }, createdAt: NOW };
      await expect(maps.record(m)).rejects.toThrow(/workflow .* is not in organization/);
      await expect(maps.record({ ...m, orgId: ids.acme, scope: { projectId: ids.p2, workflowId: ids.build } })).rejects.toThrow(/is not in project/);
      expect(await maps.holds(ids.acme, D(2))).toBe(false);
    }));

    test("holds: organization-level sees every mapping; a project its project's; a workflow only its workflow's", withStore(async (maps, ids) => {
      const rec = (n: number, scope?: CasMapping["scope"], orgId = ids.acme) => maps.record({ orgId, digest: D(n), scope, source: "upload", createdAt: NOW });
      await rec(1);
      await rec(2, { projectId: ids.p1 });
      await rec(3, { workflowId: ids.build });
      await rec(4, { workflowId: ids.deploy });
      await rec(5, undefined, ids.other);
      const sees = async (scope?: CasMapping["scope"], orgId = ids.acme) => {
        const held = await Promise.all([1, 2, 3, 4, 5].map((n) => maps.holds(orgId, D(n), scope)));
        return [1, 2, 3, 4, 5].filter((_, i) => held[i]);
      };
      expect(await sees()).toEqual([1, 2, 3, 4]);
      expect(await sees({})).toEqual([1, 2, 3, 4]);
      expect(await sees({ projectId: ids.p1 })).toEqual([2, 3]);
      expect(await sees({ projectId: ids.p2 })).toEqual([4]);
      expect(await sees({ projectId: ids.p1, workflowId: ids.build })).toEqual([3]);
      expect(await sees({ workflowId: ids.build })).toEqual([3]);
      expect(await sees({ projectId: ids.p1, workflowId: ids.test })).toEqual([]);
      expect(await sees(undefined, ids.other)).toEqual([5]);
      expect(await maps.holds(ids.acme, D(9))).toBe(false);
    }));

    test("nameFor: the oldest named mapping the scope sees (ties by insertion); none without a visible name", withStore(async (maps, ids) => {
      const base = { orgId: ids.acme, digest: D(6), source: "upload" as const };
      await maps.record({ ...base, scope: { projectId: ids.p1 }, name: "p1-secret-plan.pdf", createdAt: NOW });
      await maps.record({ ...base, scope: { projectId: ids.p2 }, name: "mine.pdf", createdAt: "2026-02-01T00:00:00.000Z" });
      await maps.record({ ...base, scope: { workflowId: ids.deploy }, name: null, createdAt: NOW });
      await maps.record({ ...base, scope: { workflowId: ids.build }, name: "same-time.pdf", createdAt: NOW });
      expect(await maps.nameFor(ids.acme, D(6))).toBe("p1-secret-plan.pdf");
      expect(await maps.nameFor(ids.acme, D(6), { projectId: ids.p2 })).toBe("mine.pdf");
      expect(await maps.nameFor(ids.acme, D(6), { workflowId: ids.deploy })).toBeUndefined();
      expect(await maps.nameFor(ids.other, D(6))).toBeUndefined();
    }));
  });
}
