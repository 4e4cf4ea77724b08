import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { selfWriter, writerName } from "../../store/cas/writer.ts";
import { resetAttestation } from "../crafting/reset.ts";
import { expectCode } from "../../test-helpers.ts";
import { addMaterial } from "../crafting/add.ts";
import { initAttestation } from "../crafting/init.ts";
import { fsckStore } from "./fsck.ts";
import { gcStore } from "./gc.ts";
import { TempStore } from "./store-fixture.testutil.ts";

let store: TempStore;
afterEach(() => store.cleanup());

const DAY = 86_400_000;
const enc = (s: string) => new TextEncoder().encode(s);

function age(path: string, ms: number): void {
  const t = new Date(Date.now() - ms);
  utimesSync(path, t, t);
}

describe("store gc", () => {
  test("removes old orphans and tmp leftovers; keeps referenced (however old) and recent blobs; dry-run removes nothing", async () => {
    store = new TempStore();
    const app = await store.open();
    await store.registerKey(app); // fsck verifies the bundle with the organization's keys
    const pushed = await store.push(app, "build", "skynet", "artifact\n");
    const oldOrphan = await app.blobs.putBytes(enc("old orphan\n"));
    const newOrphan = await app.blobs.putBytes(enc("new orphan\n"));
    for (const d of [pushed.bundle, pushed.material, oldOrphan.digest]) age(store.blobPath(d), 2 * DAY);
    const tmp = join(store.home, "cas", "tmp");
    writeFileSync(join(tmp, "old"), "12345");
    age(join(tmp, "old"), 2 * DAY);
    writeFileSync(join(tmp, "fresh"), "1");

    const dry = await gcStore(app, { dryRun: true });
    expect(dry).toEqual({
      dryRun: true,
      graceMs: DAY,
      removed: [{ digest: oldOrphan.digest, size: oldOrphan.size }],
      tmpRemoved: [{ name: "old", size: 5 }],
      bytesFreed: oldOrphan.size + 5,
      scanned: 4,
      kept: { referenced: 2, recent: 1, crafting: 0 },
    });
    expect(existsSync(store.blobPath(oldOrphan.digest))).toBe(true);
    expect(existsSync(join(tmp, "old"))).toBe(true);

    const real = await gcStore(app, {});
    expect({ ...real, dryRun: true }).toEqual(dry);
    expect(existsSync(store.blobPath(oldOrphan.digest))).toBe(false);
    expect(existsSync(join(tmp, "old"))).toBe(false);
    for (const d of [pushed.bundle, pushed.material, newOrphan.digest]) expect(existsSync(store.blobPath(d))).toBe(true);
    expect(existsSync(join(tmp, "fresh"))).toBe(true);
    const after = await fsckStore(app);
    expect([after.ok, after.counts.blobs, after.orphans.map((o) => o.digest)]).toEqual([true, 3, [newOrphan.digest]]);
    expect((await gcStore(app, {})).removed).toEqual([]);
  });

  test("--grace decides what is old enough", async () => {
    store = new TempStore();
    const app = await store.open();
    const b = await app.blobs.putBytes(enc("two hours old\n"));
    age(store.blobPath(b.digest), 2 * 3_600_000);
    expect((await gcStore(app, { grace: "3h" })).removed).toEqual([]);
    expect((await gcStore(app, { grace: "1h" })).removed).toEqual([{ digest: b.digest, size: b.size }]);
    await expectCode(() => gcStore(app, { grace: "soon" }), "USAGE");
  });

  test("materials of the crafting run in progress are kept even past the grace period", async () => {
    store = new TempStore();
    const app = await store.open();
    await initAttestation(app, { workflow: "build", project: "skynet", dryRun: false, replace: false });
    writeFileSync(join(store.dir, "bin"), "in progress\n");
    const [m] = await addMaterial(app, { name: "binary", value: join(store.dir, "bin"), kind: "ARTIFACT", annotations: {}, strict: false });
    age(store.blobPath(m!.digest), 2 * DAY);
    const r = await gcStore(app, {});
    expect([r.removed, r.kept]).toEqual([[], { referenced: 0, recent: 0, crafting: 1 }]);
    expect(existsSync(store.blobPath(m!.digest))).toBe(true);
  });

  test("an open run's materials are kept whatever state file the job uses and whatever the grace, until the run closes", async () => {
    store = new TempStore();
    const job = await store.open({ CAIRN_STATE_PATH: join(store.dir, "job.state.json") });
    await initAttestation(job, { workflow: "build", project: "skynet", dryRun: false, replace: false });
    writeFileSync(join(store.dir, "bin"), "in progress\n");
    const [m] = await addMaterial(job, { name: "binary", value: join(store.dir, "bin"), kind: "ARTIFACT", annotations: {}, strict: false });
    age(store.blobPath(m!.digest), 2 * DAY);
    const gc = await store.open(); // reads the default state file, which does not exist
    const r = await gcStore(gc, { grace: "0s" });
    expect([r.removed, r.kept]).toEqual([[], { referenced: 0, recent: 0, crafting: 1 }]);
    await resetAttestation(job, { trigger: "cancellation" });
    expect((await gcStore(gc, { grace: "0s" })).removed.map((x) => x.digest)).toEqual([m!.digest]);
  });

  test("another live process's ingest lease keeps its blob; a dead process's lease is dropped and the blob collected", async () => {
    store = new TempStore();
    const app = await store.open();
    const live = Bun.spawn(["sleep", "30"]);
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    try {
      const db = new Database(join(store.home, "cairn.db"));
      const me = selfWriter();
      const blobs: string[] = [];
      for (const [i, pid] of [live.pid, dead.pid].entries()) {
        const b = await app.blobs.putBytes(enc(`leased ${i}\n`));
        age(store.blobPath(b.digest), 2 * DAY);
        db.query("INSERT INTO cas_ingest_leases (digest, pid, host, boot, created_at) VALUES (?, ?, ?, ?, ?)").run(b.digest, pid, me.host, me.boot, new Date().toISOString());
        blobs.push(b.digest);
      }
      const r = await gcStore(app, { grace: "0s" });
      expect([r.removed.map((x) => x.digest), r.kept.crafting]).toEqual([[blobs[1]!], 1]);
      expect((db.query("SELECT pid FROM cas_ingest_leases").all() as { pid: number }[]).map((x) => x.pid)).not.toContain(dead.pid);
      db.close();
    } finally {
      live.kill();
    }
  });

  test("cas/tmp: a dead writer's file and staging directory go whatever their age; a live writer's stay; a bare name after the grace", async () => {
    store = new TempStore();
    const app = await store.open();
    const tmp = join(store.home, "cas", "tmp");
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    const me = selfWriter();
    mkdirSync(join(tmp, `import-${dead.pid}.${me.host}.${me.boot}.x`, "blobs"), { recursive: true });
    writeFileSync(join(tmp, `import-${dead.pid}.${me.host}.${me.boot}.x`, "blobs", "b"), "123");
    writeFileSync(join(tmp, `${dead.pid}.${me.host}.${me.boot}.y`), "12");
    writeFileSync(join(tmp, writerName()), "live");
    writeFileSync(join(tmp, "legacy-uuid"), "1");
    expect((await fsckStore(app)).tmpLeftovers.map((t) => basename(t.path))).toEqual([`${dead.pid}.${me.host}.${me.boot}.y`, `import-${dead.pid}.${me.host}.${me.boot}.x`]);
    const r = await gcStore(app, {});
    expect(r.tmpRemoved).toEqual([{ name: `${dead.pid}.${me.host}.${me.boot}.y`, size: 2 }, { name: `import-${dead.pid}.${me.host}.${me.boot}.x`, size: 3 }]);
    expect(readdirSync(tmp).length).toBe(2);
    expect((await gcStore(app, { grace: "0s" })).tmpRemoved.map((t) => t.name)).toEqual(["legacy-uuid"]);
  });

  test("stray files in the blob tree are never removed; an empty store is fine", async () => {
    store = new TempStore();
    const app = await store.open();
    expect((await gcStore(app, {})).scanned).toBe(0);
    const dir = join(store.home, "cas", "sha256", "ab");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "README"), "mine");
    age(join(dir, "README"), 9 * DAY);
    expect((await gcStore(app, {})).removed).toEqual([]);
    expect(existsSync(join(dir, "README"))).toBe(true);
  });
});
