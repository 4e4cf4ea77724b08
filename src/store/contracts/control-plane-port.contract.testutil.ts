import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { at, seed, useStore, type OpenStore, type StorePorts } from "./contract-store.testutil.ts";

/**
 * The ControlPlaneRepo contract: what any adapter (SQLite, PostgreSQL) must do, written against the async port only.
 * Its revisions, transactions and runs are the second half, controlPlaneRunsContract (each adapter runs both).
 */
export function controlPlaneRepoContract(name: string, open: OpenStore<Pick<StorePorts, "repo" | "workflows">>): void {
  describe(`${name}: organizations, projects, versions`, () => {
    const s = useStore(open);

    test("an empty store's generations are 0", async () => {
      expect(await s().repo.attestationGeneration()).toBe(0);
      expect(await s().repo.revisionGeneration()).toBe(0);
    });

    test("ensure* create once and return the same row after; find* return undefined when absent", async () => {
      const { repo } = s();
      const org = await repo.ensureOrg("ensure", at(0));
      expect(org).toEqual({ id: expect.any(String), name: "ensure" });
      expect(await repo.ensureOrg("ensure", at(1))).toEqual(org);
      expect(await repo.findOrg("ensure")).toEqual(org);
      expect(await repo.findOrg("absent")).toBeUndefined();
      const project = await repo.ensureProject(org.id, "p", at(0));
      expect(project).toEqual({ id: expect.any(String), orgId: org.id, name: "p" });
      expect(await repo.ensureProject(org.id, "p", at(1))).toEqual(project);
      const v = await repo.ensureProjectVersion(project.id, "1.0", at(0));
      expect(v).toEqual({ id: expect.any(String), projectId: project.id, version: "1.0", prerelease: true, releasedAt: null });
      expect(await repo.ensureProjectVersion(project.id, "1.0", at(1))).toEqual(v);
      expect(await repo.findProjectVersion(org.id, "p", "1.0")).toEqual(v);
      expect(await repo.findProjectVersion(org.id, "p", "2.0")).toBeUndefined();
      expect(await repo.findProjectVersion(org.id, "other", "1.0")).toBeUndefined();
    });

    test("a version is released once: a second release keeps the first time", async () => {
      const { repo } = s();
      const org = await repo.ensureOrg("release", at(0));
      const project = await repo.ensureProject(org.id, "p", at(0));
      const v = await repo.ensureProjectVersion(project.id, "1.0", at(0));
      await repo.releaseProjectVersion(v.id, at(5));
      await repo.releaseProjectVersion(v.id, at(9));
      expect(await repo.findProjectVersion(org.id, "p", "1.0")).toEqual({ ...v, prerelease: false, releasedAt: at(5) });
    });

    test("concurrent ensure calls of one name agree on one row", async () => {
      const { repo } = s();
      const orgs = await Promise.all(Array.from({ length: 10 }, (_, i) => repo.ensureOrg("racing", at(i))));
      expect(new Set(orgs.map((o) => o.id)).size).toBe(1);
      const projects = await Promise.all(Array.from({ length: 10 }, (_, i) => repo.ensureProject(orgs[0]!.id, "p", at(i))));
      expect(new Set(projects.map((p) => p.id)).size).toBe(1);
      const versions = await Promise.all(Array.from({ length: 10 }, (_, i) => repo.ensureProjectVersion(projects[0]!.id, "1", at(i))));
      expect(new Set(versions.map((v) => v.id)).size).toBe(1);
    });
  });

  describe(`${name}: workflows and contracts`, () => {
    const s = useStore(open);

    test("createWorkflow returns the workflow with its project and contract names; findWorkflow finds live ones only", async () => {
      const { repo, workflows } = s();
      const { org, project, contract, workflow } = await seed(s(), "wf");
      expect(workflow).toEqual({
        id: expect.any(String),
        orgId: org.id,
        projectId: project.id,
        project: "skynet",
        name: "build",
        team: "core",
        description: null,
        contractId: contract.id,
        contractName: "wf-c",
      });
      expect(await repo.findWorkflow(org.id, "skynet", "build")).toEqual(workflow);
      expect(await repo.findWorkflow(org.id, "skynet", "absent")).toBeUndefined();
      await workflows.deleteWorkflow(workflow.id, at(1));
      expect(await repo.findWorkflow(org.id, "skynet", "build")).toBeUndefined();
      const again = await repo.createWorkflow({ orgId: org.id, projectId: project.id, name: "build", team: null, description: "d", contractId: contract.id, createdBy: "local", implicit: true }, at(2));
      expect(again.id).not.toBe(workflow.id);
      expect(await workflows.getWorkflow(org.id, "skynet", "build")).toMatchObject({ id: again.id, implicit: true, description: "d", team: null });
    });

    test("a second live workflow of one name is ALREADY_EXISTS, also when created concurrently", async () => {
      const { repo } = s();
      const { org, project, contract } = await seed(s(), "wf-dup");
      const w = { orgId: org.id, projectId: project.id, name: "build", team: null, description: null, contractId: contract.id, createdBy: "local" };
      // The message and hint `workflow create` gives when it finds the name taken itself.
      const e = await expectCode(() => repo.createWorkflow(w, at(1)), "ALREADY_EXISTS");
      expect(e.message).toBe("workflow build already exists in project skynet");
      expect(e.hint).toBe("pass --skip-if-exists to accept the existing one, or change it with `cairn workflow update`");
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => repo.createWorkflow({ ...w, name: "race" }, at(1))));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "ALREADY_EXISTS" });
    });

    test("contract names are unique among live contracts only; lookups ignore deleted ones", async () => {
      const { repo, workflows } = s();
      const org = await repo.ensureOrg("names", at(0));
      const firstC = await repo.createContract(org.id, "c", "desc", at(0));
      expect(firstC).toEqual({ id: expect.any(String), name: "c" });
      expect(await repo.findContractByName(org.id, "c")).toEqual(firstC);
      const e = await expectCode(() => repo.createContract(org.id, "c", null, at(0)), "ALREADY_EXISTS");
      expect(e.message).toBe("contract c already exists in organization names"); // as `workflow contract create` says it
      await workflows.deleteContract(firstC.id, at(1));
      expect(await repo.findContractByName(org.id, "c")).toBeUndefined();
      const second = await repo.createContract(org.id, "c", null, at(1));
      expect((await repo.findContractByName(org.id, "c"))?.id).toBe(second.id);
    });

    test("concurrent createContract of one name: one is created, the others are ALREADY_EXISTS", async () => {
      const { repo } = s();
      const org = await repo.ensureOrg("names-race", at(0));
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => repo.createContract(org.id, "c", null, at(0))));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "ALREADY_EXISTS" });
    });
  });
}
