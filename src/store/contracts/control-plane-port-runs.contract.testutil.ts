import { describe, expect, test } from "bun:test";
import { at, seed, useStore, type OpenStore, type StorePorts } from "./contract-store.testutil.ts";

const RUN = { runnerType: "RUNNER_TYPE_UNSPECIFIED", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1 };

/** The ControlPlaneRepo contract, continued: revisions, transactions, runs and attestations. */
export function controlPlaneRunsContract(name: string, open: OpenStore<Pick<StorePorts, "repo" | "workflows">>): void {
  describe(`${name}: revisions and transactions`, () => {
    const s = useStore(open);

    test("revisions are numbered from 1 per contract; latest and by number; revisionGeneration grows with each", async () => {
      const { repo } = s();
      const { contract } = await seed(s(), "rev");
      const g1 = await repo.revisionGeneration();
      expect(g1).toBeGreaterThan(0);
      const r2 = await repo.addRevision(contract.id, "a: 1", "yaml", "sha256:2", at(2), "token:ci");
      expect(r2).toEqual({ contractId: contract.id, contractName: "rev-c", revision: 2, body: "a: 1", bodyFormat: "yaml", digest: "sha256:2", createdAt: at(2), createdBy: "token:ci" });
      expect(await repo.latestRevision(contract.id)).toEqual(r2);
      expect((await repo.getRevision(contract.id, 1))?.digest).toBe("sha256:1");
      expect(await repo.getRevision(contract.id, 3)).toBeUndefined();
      expect(await repo.latestRevision("no-such-contract")).toBeUndefined();
      expect(await repo.revisionGeneration()).toBeGreaterThan(g1);
    });

    test("20 concurrent addRevision calls get revisions 1..20, each once", async () => {
      const { repo } = s();
      const org = await repo.ensureOrg("rev-race", at(0));
      const c = await repo.createContract(org.id, "c", null, at(0));
      const revs = await Promise.all(Array.from({ length: 20 }, (_, i) => repo.addRevision(c.id, `${i}`, "json", `sha256:${i}`, at(i), "local")));
      expect(revs.map((r) => r.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await repo.latestRevision(c.id))?.revision).toBe(20);
    });

    test("concurrent transactions that read the latest revision and add one never collide", async () => {
      const { repo } = s();
      const org = await repo.ensureOrg("rev-race-tx", at(0));
      const c = await repo.createContract(org.id, "c", null, at(0));
      const revs = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          repo.transaction(async () => {
            await repo.latestRevision(c.id);
            return repo.addRevision(c.id, `${i}`, "json", `sha256:${i}`, at(i), "local");
          }),
        ),
      );
      expect(new Set(revs.map((r) => r.revision)).size).toBe(10);
      expect((await repo.latestRevision(c.id))?.revision).toBe(10);
    });

    test("a transaction returns its body's value; a rejected one leaves nothing; nested calls join it", async () => {
      const { repo } = s();
      const org = await repo.ensureOrg("tx", at(0));
      expect(await repo.transaction(async () => (await repo.createContract(org.id, "kept", null, at(0))).name)).toBe("kept");
      const failing = repo.transaction(async () => {
        await repo.createContract(org.id, "gone", null, at(0));
        await repo.transaction(async () => repo.createContract(org.id, "gone-too", null, at(0)));
        throw new Error("boom");
      });
      await expect(failing).rejects.toThrow("boom");
      expect(await repo.findContractByName(org.id, "kept")).toBeDefined();
      expect(await repo.findContractByName(org.id, "gone")).toBeUndefined();
      expect(await repo.findContractByName(org.id, "gone-too")).toBeUndefined();
    });
  });

  describe(`${name}: runs and attestations`, () => {
    const s = useStore(open);

    test("createRun stores an initialized run; getRun reads it back; unknown is undefined", async () => {
      const { repo } = s();
      const { org, workflow } = await seed(s(), "runs");
      const run = await repo.createRun({ ...RUN, id: "runs-1", orgId: org.id, workflowId: workflow.id, runnerUrl: "https://ci/1", createdAt: at(1) });
      expect(run).toEqual({
        id: "runs-1",
        orgId: org.id,
        workflowId: workflow.id,
        state: "initialized",
        reason: null,
        runnerType: "RUNNER_TYPE_UNSPECIFIED",
        runnerUrl: "https://ci/1",
        contractRevisionUsed: 1,
        contractRevisionLatest: 1,
        projectVersionId: null,
        attestationDigest: null,
        policyStatus: null,
        pushedBy: null,
        createdAt: at(1),
        finishedAt: null,
      });
      expect(await repo.getRun("runs-1")).toEqual(run);
      expect(await repo.getRun("absent")).toBeUndefined();
    });

    test("finishRun records state, time, reason, digest and verdict; a finished run is not finished again", async () => {
      const { repo } = s();
      const { org, workflow } = await seed(s(), "finish");
      await repo.createRun({ ...RUN, id: "finish-1", orgId: org.id, workflowId: workflow.id, createdAt: at(1) });
      await repo.finishRun("finish-1", "blocked", at(2), "blocked: 1 gated policy violation", "sha256:d", { policyStatus: "blocked", pushedBy: "ci" });
      const done = { state: "blocked", finishedAt: at(2), reason: "blocked: 1 gated policy violation", attestationDigest: "sha256:d", policyStatus: "blocked", pushedBy: "ci" };
      expect(await repo.getRun("finish-1")).toMatchObject(done);
      await repo.finishRun("finish-1", "failed", at(3), "late", null);
      expect(await repo.getRun("finish-1")).toMatchObject(done);
    });

    test("concurrent finishRun calls of one run: exactly one call's fields are kept", async () => {
      const { repo } = s();
      const { org, workflow } = await seed(s(), "finish-race");
      await repo.createRun({ ...RUN, id: "race-1", orgId: org.id, workflowId: workflow.id, createdAt: at(1) });
      await Promise.all(Array.from({ length: 6 }, (_, i) => repo.finishRun("race-1", i % 2 ? "failed" : "succeeded", at(10 + i), `call ${i}`, i % 2 ? null : `sha256:${i}`)));
      const run = (await repo.getRun("race-1"))!;
      const i = Number(run.reason!.slice("call ".length));
      expect(run).toMatchObject({ state: i % 2 ? "failed" : "succeeded", finishedAt: at(10 + i), attestationDigest: i % 2 ? null : `sha256:${i}` });
    });

    test("lastFinishedRun: the latest finished push or failure; cancelled, expired and open runs are skipped", async () => {
      const { repo } = s();
      const { org, workflow } = await seed(s(), "last");
      expect(await repo.lastFinishedRun(workflow.id)).toBeUndefined();
      const mk = (id: string, created: number) => repo.createRun({ ...RUN, id, orgId: org.id, workflowId: workflow.id, createdAt: at(created) });
      for (const [id, created] of [["l1", 1], ["l2", 2], ["l3", 3], ["l4", 4], ["l5", 5]] as const) await mk(id, created);
      await repo.finishRun("l1", "failed", at(20), "x", null);
      await repo.finishRun("l2", "succeeded", at(10), null, "sha256:2");
      await repo.finishRun("l3", "cancelled", at(30), null, null);
      expect((await repo.lastFinishedRun(workflow.id))?.id).toBe("l1");
      // Finished in the same instant: the one created last; created in the same instant too: the one inserted last.
      await repo.finishRun("l4", "blocked", at(20), null, "sha256:4");
      expect((await repo.lastFinishedRun(workflow.id))?.id).toBe("l4");
      await mk("l6", 4);
      await repo.finishRun("l6", "failed", at(20), null, null);
      expect((await repo.lastFinishedRun(workflow.id))?.id).toBe("l6");
    });

    test("attestations: stored once per digest (a second insert is ignored), listed per run oldest first, generation grows", async () => {
      const { repo } = s();
      const { org, workflow } = await seed(s(), "att");
      await repo.createRun({ ...RUN, id: "att-1", orgId: org.id, workflowId: workflow.id, createdAt: at(1) });
      const g0 = await repo.attestationGeneration();
      const a = (digest: string, created: number, size = 10) => ({ digest, orgId: org.id, runId: "att-1", workflowId: workflow.id, predicateType: `p-${digest}`, size, createdAt: at(created) });
      await repo.insertAttestation(a("sha256:b", 2, 5_000_000_000));
      const g1 = await repo.attestationGeneration();
      expect(g1).toBeGreaterThan(g0);
      await repo.insertAttestation(a("sha256:b", 3, 1));
      expect(await repo.findAttestation("sha256:b")).toEqual(a("sha256:b", 2, 5_000_000_000));
      expect(await repo.findAttestation("sha256:none")).toBeUndefined();
      await repo.insertAttestation(a("sha256:a", 2));
      await repo.insertAttestation(a("sha256:0", 1));
      expect((await repo.runAttestations("att-1")).map((x) => x.digest)).toEqual(["sha256:0", "sha256:b", "sha256:a"]);
      expect(await repo.runAttestations("none")).toEqual([]);
      expect(await repo.attestationGeneration()).toBeGreaterThan(g1);
    });
  });
}
