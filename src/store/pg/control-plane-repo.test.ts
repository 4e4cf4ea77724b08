import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { at, seed } from "../contracts/contract-store.testutil.ts";
import { controlPlaneRepoContract } from "../contracts/control-plane-port.contract.testutil.ts";
import { controlPlaneRunsContract } from "../contracts/control-plane-port-runs.contract.testutil.ts";
import { PgControlPlaneRepo } from "./control-plane-repo.ts";
import { onPostgres, openPgPorts } from "./pg-ports.testutil.ts";

onPostgres("control-plane repo", controlPlaneRepoContract);
onPostgres("control-plane runs", controlPlaneRunsContract);

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

/** PostgreSQL only (SQLite's versions always let fn run): the try-locks periodic jobs and `store gc` take. */
onPostgres("try-locks", (name) => {
  describe(`${name}: tryLockName and alone`, () => {
    let store: Awaited<ReturnType<typeof openPgPorts>>;
    beforeAll(async () => void (store = await openPgPorts()));
    afterAll(() => store.close());

    /** A test-held gate: `enter` says fn holds the lock, fn waits on `wait` until `release`. */
    function gate(): { entered: Promise<void>; enter(): void; wait: Promise<void>; release(): void } {
      let enter!: () => void;
      let release!: () => void;
      const entered = new Promise<void>((r) => (enter = r));
      const wait = new Promise<void>((r) => (release = r));
      return { entered, enter, wait, release };
    }

    test("tryLockName: false at once while another transaction holds the name, true once it ended", async () => {
      const { repo } = store;
      const g = gate();
      const first = repo.transaction(async () => {
        expect(await repo.tryLockName("job", "x")).toBe(true);
        g.enter();
        await g.wait;
      });
      await g.entered;
      expect(await repo.transaction(() => repo.tryLockName("job", "x"))).toBe(false);
      expect(await repo.transaction(() => repo.tryLockName("job", "y"))).toBe(true); // another name
      g.release();
      await first;
      expect(await repo.transaction(() => repo.tryLockName("job", "x"))).toBe(true);
    });

    test("alone: a second caller is refused with the holder's start time while the first runs; afterwards it runs", async () => {
      const { repo } = store;
      const g = gate();
      const before = new Date(Date.now() - 1000).toISOString();
      const first = repo.alone("store-gc", async () => {
        g.enter();
        await g.wait;
        return 7;
      });
      await g.entered;
      const refused = await repo.alone("store-gc", async () => 8);
      expect(refused.ran).toBe(false);
      const since = refused.ran ? null : refused.since;
      expect(since).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(since! >= before && since! <= new Date().toISOString()).toBe(true);
      g.release();
      expect(await first).toEqual({ ran: true, value: 7 });
      expect(await repo.alone("store-gc", async () => 9)).toEqual({ ran: true, value: 9 });
    });

    test("alone lets go when fn throws", async () => {
      const { repo } = store;
      await expect(repo.alone("job-throws", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
      expect(await repo.alone("job-throws", async () => 1)).toEqual({ ran: true, value: 1 });
    });
  });
});
