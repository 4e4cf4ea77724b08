import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { at, seed } from "./control-plane-repo.contract.testutil.ts";
import { controlPlaneRepoContract } from "./control-plane-repo.contract.testutil.ts";
import { PgControlPlaneRepo } from "./control-plane-repo.ts";
import { onPostgres, openPgPorts } from "./pg-ports.testutil.ts";

onPostgres("control-plane repo", controlPlaneRepoContract);

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
