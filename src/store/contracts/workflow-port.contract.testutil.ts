import { describe, expect, test } from "bun:test";
import { at, seed, useStore, type OpenStore, type StorePorts } from "./contract-store.testutil.ts";

const RUN = { runnerType: "RUNNER_TYPE_UNSPECIFIED", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1 };

/** The WorkflowRepo contract: workflows and contracts as `workflow …` and `workflow contract …` list and change them. */
export function workflowRepoContract(name: string, open: OpenStore<Pick<StorePorts, "repo" | "workflows">>): void {
  describe(`${name}: workflow records`, () => {
    const s = useStore(open);

    test("a workflow record: names, creator, flags, latest revision, run count and last run", async () => {
      const { repo, workflows } = s();
      const { org, project, contract, workflow } = await seed(s(), "rec");
      await repo.addRevision(contract.id, "{ }", "json", "sha256:2", at(1), "local");
      const expected = { ...workflow, createdAt: at(0), updatedAt: null, createdBy: "local", implicit: false, contractLatestRevision: 2, runsCount: 0, lastRun: null };
      expect(await workflows.getWorkflow(org.id, "skynet", "build")).toEqual(expected);
      const run = { ...RUN, orgId: org.id, workflowId: workflow.id, contractRevisionLatest: 2 };
      await repo.createRun({ ...run, id: "rec-1", contractRevisionUsed: 2, createdAt: at(0) });
      await repo.createRun({ ...run, id: "rec-2", contractRevisionUsed: 1, createdAt: at(1) });
      await repo.finishRun("rec-2", "failed", at(1), "boom", null);
      // Created in the same instant as the newest: the one inserted last is the last run.
      expect(await workflows.getWorkflow(org.id, "skynet", "build")).toMatchObject({ runsCount: 2, lastRun: { id: "rec-2", state: "failed", createdAt: at(1), contractRevisionUsed: 1 } });
      await repo.createRun({ ...run, id: "rec-3", contractRevisionUsed: 2, createdAt: at(1) });
      await repo.createRun({ ...run, id: "rec-0", contractRevisionUsed: 2, createdAt: at(0) });
      expect(await workflows.getWorkflow(org.id, "skynet", "build")).toMatchObject({ runsCount: 4, lastRun: { id: "rec-3", state: "initialized" } });
      expect(await workflows.getWorkflow(org.id, "other", "build")).toBeUndefined();
      expect(project.name).toBe("skynet");
    });

    test("concurrent runs of one workflow: every one is counted, the newest is the last run", async () => {
      const { repo, workflows } = s();
      const { org, workflow } = await seed(s(), "rec-race");
      await Promise.all(Array.from({ length: 20 }, (_, i) => repo.createRun({ ...RUN, id: `race-${i}`, orgId: org.id, workflowId: workflow.id, createdAt: at(100 + i) })));
      expect(await workflows.getWorkflow(org.id, "skynet", "build")).toMatchObject({ runsCount: 20, lastRun: { id: "race-19", createdAt: at(119) } });
    });

    test("a newer run created while an older one's transaction is open becomes the last run once both commit", async () => {
      const { repo, workflows } = s();
      const { org, workflow } = await seed(s(), "rec-wait");
      let inserted!: () => void;
      let release!: () => void;
      const olderIn = new Promise<void>((r) => (inserted = r));
      const gate = new Promise<void>((r) => (release = r));
      const older = repo.transaction(async () => {
        await repo.createRun({ ...RUN, id: "older", orgId: org.id, workflowId: workflow.id, createdAt: at(1) });
        inserted();
        await gate;
      });
      await olderIn;
      const newer = repo.createRun({ ...RUN, id: "newer", orgId: org.id, workflowId: workflow.id, createdAt: at(2) });
      await Bun.sleep(100); // the newer insert now waits on the older transaction (PostgreSQL: its row lock)
      release();
      await Promise.all([older, newer]);
      expect(await workflows.getWorkflow(org.id, "skynet", "build")).toMatchObject({ runsCount: 2, lastRun: { id: "newer" } });
    });

    test("update sets what is given (null clears, absent keeps) and updatedAt; delete is soft and frees the name", async () => {
      const { repo, workflows } = s();
      const { org, contract, workflow } = await seed(s(), "upd");
      const other = await repo.createContract(org.id, "other", null, at(0));
      await workflows.updateWorkflow(workflow.id, { description: "d" }, at(1));
      expect(await workflows.getWorkflow(org.id, "skynet", "build")).toMatchObject({ team: "core", description: "d", contractId: contract.id, updatedAt: at(1) });
      await workflows.updateWorkflow(workflow.id, { team: null, contractId: other.id }, at(2));
      expect(await workflows.getWorkflow(org.id, "skynet", "build")).toMatchObject({ team: null, description: "d", contractId: other.id, contractName: "other", contractLatestRevision: 0, updatedAt: at(2) });
      expect(await workflows.workflowsUsing(other.id)).toEqual([{ project: "skynet", name: "build" }]);
      await workflows.deleteWorkflow(workflow.id, at(3));
      await workflows.deleteWorkflow(workflow.id, at(4));
      expect(await workflows.getWorkflow(org.id, "skynet", "build")).toBeUndefined();
      expect(await workflows.listWorkflows({ orgId: org.id, limit: 10 })).toEqual([]);
      expect(await workflows.workflowsUsing(other.id)).toEqual([]);
      expect((await workflows.getContract(org.id, "other"))?.workflowsCount).toBe(0);
    });

    test("list: newest first, ties by id; filtered by project, team and scope; keyset pages cover each once", async () => {
      const { repo, workflows } = s();
      const { org, project, contract, workflow } = await seed(s(), "list");
      const other = await repo.ensureProject(org.id, "other", at(0));
      const mk = (projectId: string, name: string, team: string | null, t: number) =>
        repo.createWorkflow({ orgId: org.id, projectId, name, team, description: null, contractId: contract.id, createdBy: "local" }, at(t));
      // Several in one instant, with ids in any order: the page order is by id.
      for (const n of ["a", "b", "c", "d"]) await mk(project.id, n, "core", 5);
      await mk(other.id, "e", null, 6);
      await mk(other.id, "f", "core", 1);
      const all = await workflows.listWorkflows({ orgId: org.id, limit: 100 });
      const byTime = (x: { createdAt: string; id: string }, y: { createdAt: string; id: string }) => (x.createdAt === y.createdAt ? (x.id < y.id ? -1 : 1) : x.createdAt > y.createdAt ? -1 : 1);
      expect(all.map((w) => w.id)).toEqual([...all].sort(byTime).map((w) => w.id));
      expect(all.map((w) => w.name).slice(0, 1)).toEqual(["e"]);
      expect(all).toHaveLength(7);
      const pages: string[] = [];
      let after: { createdAt: string; id: string } | undefined;
      for (;;) {
        const page = await workflows.listWorkflows({ orgId: org.id, limit: 2, after });
        pages.push(...page.map((w) => w.id));
        if (page.length < 2) break;
        after = { createdAt: page[1]!.createdAt, id: page[1]!.id };
      }
      expect(pages).toEqual(all.map((w) => w.id));
      expect((await workflows.listWorkflows({ orgId: org.id, project: "other", limit: 10 })).map((w) => w.name)).toEqual(["e", "f"]);
      expect((await workflows.listWorkflows({ orgId: org.id, team: "core", project: "other", limit: 10 })).map((w) => w.name)).toEqual(["f"]);
      expect((await workflows.listWorkflows({ orgId: org.id, scope: { projectId: other.id }, limit: 10 })).map((w) => w.name)).toEqual(["e", "f"]);
      expect((await workflows.listWorkflows({ orgId: org.id, scope: { projectId: project.id, workflowId: workflow.id }, limit: 10 })).map((w) => w.name)).toEqual(["build"]);
      expect(await workflows.listWorkflows({ orgId: "no-such-org", limit: 10 })).toEqual([]);
    });

    test("compliance runs: the newest run that is not initialized, ties to the one inserted last; null without one", async () => {
      const { repo, workflows } = s();
      const { org, project, contract, workflow } = await seed(s(), "comp");
      const idle = await repo.createWorkflow({ orgId: org.id, projectId: project.id, name: "idle", team: null, description: null, contractId: contract.id, createdBy: "local" }, at(0));
      const mk = (id: string, t: number) => repo.createRun({ ...RUN, id, orgId: org.id, workflowId: workflow.id, createdAt: at(t) });
      await mk("c1", 1);
      await mk("c2", 2);
      await mk("c3", 2);
      await mk("c4", 3);
      await repo.finishRun("c1", "succeeded", at(5), null, "sha256:c1");
      await repo.finishRun("c3", "blocked", at(4), "blocked: 1", "sha256:c3");
      await repo.finishRun("c2", "failed", at(6), "tests", null);
      expect(await workflows.complianceRuns([])).toEqual([]);
      const facts = await workflows.complianceRuns([workflow.id, idle.id, "absent"]);
      expect(facts.sort((a, b) => (a.workflowId < b.workflowId ? -1 : 1))).toEqual(
        [
          { workflowId: workflow.id, judged: { id: "c3", state: "blocked" as const, createdAt: at(2), finishedAt: at(4), reason: "blocked: 1", contractRevisionUsed: 1, attestationDigest: "sha256:c3" } },
          { workflowId: idle.id, judged: null },
        ].sort((a, b) => (a.workflowId < b.workflowId ? -1 : 1)),
      );
    });
  });

  describe(`${name}: contract records`, () => {
    const s = useStore(open);

    test("a contract record: latest revision, live workflows, updatedAt the later of a description change and the last revision", async () => {
      const { repo, workflows } = s();
      const { org, contract } = await seed(s(), "crec");
      const record = { id: contract.id, orgId: org.id, name: "crec-c", description: null, latestRevision: 1, workflowsCount: 1, createdAt: at(0), updatedAt: at(0) };
      expect(await workflows.getContract(org.id, "crec-c")).toEqual(record);
      await repo.addRevision(contract.id, "{ }", "json", "sha256:2", at(4), "token:ci");
      expect(await workflows.getContract(org.id, "crec-c")).toEqual({ ...record, latestRevision: 2, updatedAt: at(4) });
      await workflows.setContractDescription(contract.id, "about", at(2));
      expect(await workflows.getContract(org.id, "crec-c")).toEqual({ ...record, description: "about", latestRevision: 2, updatedAt: at(4) });
      await workflows.setContractDescription(contract.id, null, at(7));
      expect(await workflows.getContract(org.id, "crec-c")).toEqual({ ...record, latestRevision: 2, updatedAt: at(7) });
      expect(await workflows.listRevisions(contract.id)).toEqual([
        { revision: 1, digest: "sha256:1", createdAt: at(0), createdBy: "local" },
        { revision: 2, digest: "sha256:2", createdAt: at(4), createdBy: "token:ci" },
      ]);
      expect(await workflows.getContract(org.id, "absent")).toBeUndefined();
    });

    test("list by name after a name, paged; a scope sees (and counts) only its live workflows' contracts", async () => {
      const { repo, workflows } = s();
      const { org, project, contract, workflow } = await seed(s(), "clist");
      const other = await repo.ensureProject(org.id, "other", at(0));
      for (const n of ["b", "a", "B", "c"]) await repo.createContract(org.id, n, null, at(1));
      const a = (await repo.findContractByName(org.id, "a"))!;
      await repo.createWorkflow({ orgId: org.id, projectId: other.id, name: "w", team: null, description: null, contractId: a.id, createdBy: "local" }, at(1));
      await repo.createWorkflow({ orgId: org.id, projectId: other.id, name: "w2", team: null, description: null, contractId: contract.id, createdBy: "local" }, at(1));
      const names = async (after?: string, limit = 10, scope?: { projectId?: string; workflowId?: string }) =>
        (await workflows.listContracts(org.id, limit, after, scope)).map((c) => `${c.name}:${c.workflowsCount}`);
      expect(await names()).toEqual(["B:0", "a:1", "b:0", "c:0", "clist-c:2"]);
      expect(await names(undefined, 2)).toEqual(["B:0", "a:1"]);
      expect(await names("a", 2)).toEqual(["b:0", "c:0"]);
      expect(await names(undefined, 10, { projectId: other.id })).toEqual(["a:1", "clist-c:1"]);
      expect(await names(undefined, 10, { projectId: project.id, workflowId: workflow.id })).toEqual(["clist-c:1"]);
      expect(await workflows.getContract(org.id, "a", { projectId: project.id })).toBeUndefined();
      expect(await workflows.getContract(org.id, "clist-c", { projectId: other.id })).toMatchObject({ workflowsCount: 1 });
      expect(await workflows.workflowsUsing(contract.id)).toEqual([{ project: "other", name: "w2" }, { project: "skynet", name: "build" }]);
      expect(await workflows.workflowsUsing(contract.id, { projectId: project.id })).toEqual([{ project: "skynet", name: "build" }]);
    });

    test("delete is soft: lookups and lists skip it, revisions stay, the name is free", async () => {
      const { repo, workflows } = s();
      const org = await repo.ensureOrg("cdel", at(0));
      const c = await repo.createContract(org.id, "gone", null, at(0));
      await repo.addRevision(c.id, "{}", "json", "sha256:1", at(0), "local");
      await workflows.deleteContract(c.id, at(1));
      await workflows.deleteContract(c.id, at(2));
      expect(await workflows.getContract(org.id, "gone")).toBeUndefined();
      expect(await workflows.listContracts(org.id, 10)).toEqual([]);
      expect((await repo.getRevision(c.id, 1))?.contractName).toBe("gone");
      expect(await workflows.listRevisions(c.id)).toHaveLength(1);
      expect((await repo.createContract(org.id, "gone", null, at(3))).id).not.toBe(c.id);
    });
  });
}
