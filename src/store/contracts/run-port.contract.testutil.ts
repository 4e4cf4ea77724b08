import { describe, expect, test } from "bun:test";
import type { RunQuery, RunView } from "../run-port.ts";
import { at, seed, useStore, type OpenStore, type StorePorts } from "./contract-store.testutil.ts";

const RUN = { runnerType: "RUNNER_TYPE_UNSPECIFIED", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1 };

/** Every row of a listing, page by page (limit rows a page), following the keyset as the services do. */
async function allPages(list: (q: RunQuery) => Promise<RunView[]>, q: RunQuery): Promise<string[]> {
  const ids: string[] = [];
  let after: RunQuery["after"];
  for (;;) {
    const page = await list({ ...q, after });
    ids.push(...page.map((r) => r.id));
    if (page.length < q.limit) return ids;
    after = { createdAt: page.at(-1)!.createdAt, id: page.at(-1)!.id };
  }
}

/** The RunRepo contract: runs as `workflow run list/describe` show them, their expiry, and standalone uploads. */
export function runRepoContract(name: string, open: OpenStore<Pick<StorePorts, "repo" | "workflows" | "runs">>): void {
  describe(`${name}: run views`, () => {
    const s = useStore(open);
    let ids: { org: string; skynet: string; other: string; build: string; deploy: string; otherBuild: string } | undefined;

    /** Two projects, a `build` workflow in each and a `deploy`, runs in every state (some in one instant). */
    async function fixture() {
      if (ids) return ids;
      const { repo, workflows } = s();
      const { org, project, contract, workflow } = await seed(s(), "views");
      const other = await repo.ensureProject(org.id, "other", at(0));
      const wf = (projectId: string, n: string) => repo.createWorkflow({ orgId: org.id, projectId, name: n, team: null, description: null, contractId: contract.id, createdBy: "local" }, at(0));
      const deploy = await wf(project.id, "deploy");
      const otherBuild = await wf(other.id, "build");
      const mk = (id: string, w: string, t: number) => repo.createRun({ ...RUN, id, orgId: org.id, workflowId: w, createdAt: at(t) });
      for (const id of ["v-d", "v-b", "v-c", "v-a"]) await mk(id, workflow.id, 10);
      await mk("v-5", deploy.id, 5);
      await mk("v-6", otherBuild.id, 6);
      await mk("v-7", workflow.id, 7);
      await repo.finishRun("v-a", "succeeded", at(11), null, "sha256:a", { policyStatus: "passed", pushedBy: "ci" });
      await repo.finishRun("v-b", "blocked", at(11), "blocked: 1", "sha256:b", { policyStatus: "blocked", pushedBy: null });
      await repo.finishRun("v-5", "succeeded", at(12), null, "sha256:5", { policyStatus: "blocked", pushedBy: null });
      await repo.finishRun("v-6", "failed", at(12), "boom", null);
      // A deleted workflow's runs stay listed, under its name.
      await workflows.deleteWorkflow(deploy.id, at(13));
      return (ids = { org: org.id, skynet: project.id, other: other.id, build: workflow.id, deploy: deploy.id, otherBuild: otherBuild.id });
    }

    test("list: newest first, ties by id, with workflow, project and contract names", async () => {
      const f = await fixture();
      const rows = await s().runs.list({ orgId: f.org, limit: 100 });
      expect(rows.map((r) => r.id)).toEqual(["v-a", "v-b", "v-c", "v-d", "v-7", "v-6", "v-5"]);
      expect(rows[0]).toEqual({
        ...(await s().repo.getRun("v-a"))!,
        workflow: "build",
        project: "skynet",
        contractName: "views-c",
      });
      expect(rows.find((r) => r.id === "v-5")).toMatchObject({ workflow: "deploy", project: "skynet", state: "succeeded" });
    });

    test("filters: workflow name (deleted ones too, either project), project, state, policy status, scope", async () => {
      const f = await fixture();
      const ids = async (q: Omit<RunQuery, "orgId" | "limit">) => (await s().runs.list({ orgId: f.org, limit: 100, ...q })).map((r) => r.id);
      expect(await ids({ workflow: "build" })).toEqual(["v-a", "v-b", "v-c", "v-d", "v-7", "v-6"]);
      expect(await ids({ workflow: "build", project: "other" })).toEqual(["v-6"]);
      expect(await ids({ workflow: "deploy" })).toEqual(["v-5"]);
      expect(await ids({ workflow: "none" })).toEqual([]);
      expect(await ids({ project: "other" })).toEqual(["v-6"]);
      expect(await ids({ state: "initialized" })).toEqual(["v-c", "v-d", "v-7"]);
      expect(await ids({ state: "cancelled" })).toEqual([]);
      expect(await ids({ policyStatus: "blocked" })).toEqual(["v-b", "v-5"]);
      expect(await ids({ policyStatus: "blocked", state: "succeeded" })).toEqual(["v-5"]);
      expect(await ids({ policyStatus: "blocked", workflow: "build" })).toEqual(["v-b"]);
      expect(await ids({ scope: { projectId: f.other } })).toEqual(["v-6"]);
      expect(await ids({ scope: { projectId: f.skynet, workflowId: f.deploy } })).toEqual(["v-5"]);
      expect(await s().runs.list({ orgId: "no-such-org", limit: 10 })).toEqual([]);
    });

    test("keyset pages cover every run once, also across runs created in the same instant", async () => {
      const f = await fixture();
      const all = (await s().runs.list({ orgId: f.org, limit: 100 })).map((r) => r.id);
      for (const limit of [1, 2, 3]) expect(await allPages((q) => s().runs.list(q), { orgId: f.org, limit })).toEqual(all);
      expect(await allPages((q) => s().runs.list(q), { orgId: f.org, limit: 2, workflow: "build" })).toEqual(all.filter((id) => !["v-5"].includes(id)));
    });

    test("get: by id within the organization and scope; byAttestation: one run per digest, within the scope", async () => {
      const f = await fixture();
      const { runs } = s();
      expect(await runs.get(f.org, "v-6")).toMatchObject({ id: "v-6", workflow: "build", project: "other", reason: "boom" });
      expect(await runs.get("other-org", "v-6")).toBeUndefined();
      expect(await runs.get(f.org, "v-6", { projectId: f.skynet })).toBeUndefined();
      expect(await runs.get(f.org, "v-7", { projectId: f.skynet, workflowId: f.build })).toMatchObject({ id: "v-7" });
      expect(await runs.get(f.org, "absent")).toBeUndefined();
      expect(await runs.byAttestation(f.org, [])).toEqual([]);
      const found = await runs.byAttestation(f.org, ["sha256:5", "sha256:a", "sha256:none"]);
      expect(found.map((r) => r.id).sort()).toEqual(["v-5", "v-a"]);
      expect(found.find((r) => r.id === "v-5")).toEqual((await runs.get(f.org, "v-5"))!);
      expect((await runs.byAttestation(f.org, ["sha256:5", "sha256:a"], { workflowId: f.build })).map((r) => r.id)).toEqual(["v-a"]);
      expect(await runs.byAttestation("other-org", ["sha256:a"])).toEqual([]);
    });
  });

  describe(`${name}: expiry and uploads`, () => {
    const s = useStore(open);

    test("expireStale expires initialized runs created before the cutoff, in one go, and says how many", async () => {
      const { repo, runs } = s();
      const { org, workflow } = await seed(s(), "exp");
      const mk = (id: string, t: number) => repo.createRun({ ...RUN, id, orgId: org.id, workflowId: workflow.id, createdAt: at(t) });
      for (const [id, t] of [["e1", 1], ["e2", 2], ["e3", 3], ["e9", 9]] as const) await mk(id, t);
      await repo.finishRun("e2", "failed", at(4), "x", null);
      expect([await runs.hasStale(at(1)), await runs.hasStale(at(2))]).toEqual([false, true]); // strictly before the cutoff
      expect(await runs.expireStale(at(5), at(20), "run TTL passed")).toBe(2);
      expect([await runs.hasStale(at(5)), await runs.hasStale(at(10))]).toEqual([false, true]); // e9 is still open
      expect(await repo.getRun("e1")).toMatchObject({ state: "expired", finishedAt: at(20), reason: "run TTL passed" });
      expect(await repo.getRun("e2")).toMatchObject({ state: "failed", finishedAt: at(4), reason: "x" });
      expect(await repo.getRun("e9")).toMatchObject({ state: "initialized", finishedAt: null });
      expect(await runs.expireStale(at(5), at(21), "again")).toBe(0);
      expect(await repo.getRun("e1")).toMatchObject({ finishedAt: at(20) });
    });

    test("concurrent expiries expire each run once", async () => {
      const { repo, runs } = s();
      const { org, workflow } = await seed(s(), "exp-race");
      await runs.expireStale(at(1000), at(1000), "earlier tests' runs"); // expiry is store-wide
      for (let i = 0; i < 30; i++) await repo.createRun({ ...RUN, id: `x-${i}`, orgId: org.id, workflowId: workflow.id, createdAt: at(1000 + i) });
      const counts = await Promise.all(Array.from({ length: 4 }, (_, i) => runs.expireStale(at(2000), at(2000 + i), `call ${i}`)));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    });

    test("an upload is recorded once: the first keeps its name and time", async () => {
      const { repo, runs } = s();
      const org = await repo.ensureOrg("up", at(0));
      const u = { orgId: org.id, digest: "sha256:u", name: "big.bin", size: 5_000_000_000, createdAt: at(1) };
      await runs.recordUpload(u);
      await runs.recordUpload({ ...u, name: null, size: 1, createdAt: at(2) });
      expect(await runs.findUpload(org.id, "sha256:u")).toEqual(u);
      expect(await runs.findUpload(org.id, "sha256:other")).toBeUndefined();
      expect(await runs.findUpload("other-org", "sha256:u")).toBeUndefined();
    });
  });
}
