import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { at, seed } from "./control-plane-repo.contract.testutil.ts";
import { controlPlaneRepoContract } from "./control-plane-repo.contract.testutil.ts";
import { PgControlPlaneRepo } from "./control-plane-repo.ts";
import { onPostgres, openPgPorts } from "./pg-ports.testutil.ts";

onPostgres("control-plane repo", controlPlaneRepoContract);

/** PostgreSQL only (SQLite has one writer): identities are taken at insert, so max(seq) is no generation. */
onPostgres("attestationGeneration", (name) => {
  describe(`${name}: attestationGeneration`, () => {
    let store: Awaited<ReturnType<typeof openPgPorts>>;
    beforeAll(async () => void (store = await openPgPorts()));
    afterAll(() => store.close());

    test("changes when an attestation that took its seq first commits last", async () => {
      const repo = store.repo as PgControlPlaneRepo;
      const { org, workflow } = await seed(store, "gen");
      await repo.createRun({ id: "gen-1", orgId: org.id, workflowId: workflow.id, runnerType: "X", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1, createdAt: at(1) });
      const att = (digest: string) => ({ digest, orgId: org.id, runId: "gen-1", workflowId: workflow.id, predicateType: "p", size: 1, createdAt: at(2) });
      let inserted!: () => void;
      let release!: () => void;
      const firstInserted = new Promise<void>((r) => (inserted = r));
      const gate = new Promise<void>((r) => (release = r));
      const early = repo.transaction(async () => {
        await repo.insertAttestation(att("sha256:early")); // the lower seq
        inserted();
        await gate;
      });
      await firstInserted;
      await repo.transaction(() => repo.insertAttestation(att("sha256:late")));
      const between = await repo.attestationGeneration(); // a reader caching an answer now, without "early"
      release();
      await early;
      expect(await repo.findAttestation("sha256:early")).toBeDefined();
      expect(await repo.attestationGeneration()).not.toBe(between);
    });
  });
});

/** PostgreSQL only (SQLite's single writer needs no row lock): lockRun, for two replicas pushing one run. */
onPostgres("lockRun", (name) => {
  describe(`${name}: lockRun`, () => {
    let store: Awaited<ReturnType<typeof openPgPorts>>;
    beforeAll(async () => void (store = await openPgPorts()));
    afterAll(() => store.close());

    test("a second transaction locking a run waits for the first to finish it, then reads it finished", async () => {
      const repo = store.repo as PgControlPlaneRepo;
      const { org, workflow } = await seed(store, "lock");
      await repo.createRun({ id: "lock-1", orgId: org.id, workflowId: workflow.id, runnerType: "X", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1, createdAt: at(1) });
      expect(await repo.lockRun("absent")).toBeUndefined();
      let locked!: () => void;
      let release!: () => void;
      const firstLocked = new Promise<void>((r) => (locked = r));
      const gate = new Promise<void>((r) => (release = r));
      const first = repo.transaction(async () => {
        expect((await repo.lockRun("lock-1"))?.state).toBe("initialized");
        locked();
        await gate;
        await repo.finishRun("lock-1", "succeeded", at(2), null, "sha256:x");
      });
      await firstLocked;
      let seen: string | undefined;
      const second = repo.transaction(async () => void (seen = (await repo.lockRun("lock-1"))?.state));
      await Bun.sleep(100);
      expect(seen).toBeUndefined(); // still waiting on the lock
      release();
      await Promise.all([first, second]);
      expect(seen).toBe("succeeded");
    });
  });
});
