// `cairn store migrate` of the compiled binary: a home with 10,000 attestations (and one crafted through the CLI)
// copied into PostgreSQL, then the same run list, workflow list and discover answers from both stores.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { seedStore, type Seeded } from "../../bench/seed.ts";
import { startRegistry, type RunningRegistry } from "../../src/oci/registry.testutil.ts";
import { pgMissing, testDatabase, type TestDatabase } from "../../src/store/pg/pg.testutil.ts";
import { Sandbox } from "./harness.ts";

setDefaultTimeout(180_000);
const skip = pgMissing();
const N = 10_000;
const home = new Sandbox(); // the SQLite store to move
const replica = new Sandbox(); // a machine with an empty home of its own, on the PostgreSQL store
let pg: TestDatabase;
let seeded: Seeded;
let crafted: { runId: string; digest: string };

beforeAll(async () => {
  if (skip) return;
  seeded = seedStore(home.home, N);
  home.ok(["keys", "generate", "--output-prefix", "cosign"]);
  writeFileSync(home.path("app.bin"), "the built binary\n");
  home.ok(["att", "init", "--workflow", "release", "--project", "migrated"]);
  home.ok(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "app.bin"]);
  crafted = home.json(["att", "push", "--key", "cosign.key"]);
  pg = (await testDatabase({ migrate: false }))!;
  replica.env.CAIRN_DATABASE_URL = pg.url;
});
afterAll(async () => {
  await pg?.drop();
  home.cleanup();
  replica.cleanup();
});

const both = <T,>(args: string[]): [T, T] => [home.json<T>(args), replica.json<T>(args)];

describe.skipIf(skip !== undefined)(`store migrate into PostgreSQL${skip ? ` (skipped: ${skip})` : ""}`, () => {
  test("every row is copied in one go, counted and digest-checked; the password is never printed", () => {
    const t0 = performance.now();
    const r = home.json<{ tables: Record<string, number>; digest: string; to: string }>(["store", "migrate", "--to", pg.url]);
    console.log(`store migrate of ${N + 1} attestations: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(r.tables.attestations).toBe(N + 1);
    expect(r.tables.workflow_runs).toBeGreaterThan(N);
    expect(r.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.to).not.toContain("password");
  });

  test("the same run list pages, workflow list and discover answers from SQLite and from PostgreSQL", () => {
    const [a, b] = both<{ items: unknown[]; next?: string }>(["workflow", "run", "list", "--limit", "100"]);
    expect(b).toEqual(a);
    expect(a.items).toHaveLength(100);
    const [a2, b2] = both(["workflow", "run", "list", "--limit", "100", "--next", a.next!]);
    expect(b2).toEqual(a2);
    for (const filter of [["--status", "failed"], ["--project", "project-1"], ["--workflow", "wf-3"]]) {
      const [x, y] = both(["workflow", "run", "list", "--limit", "20", ...filter]);
      expect(y).toEqual(x);
    }
    const [w1, w2] = both(["workflow", "list"]);
    expect(w2).toEqual(w1);
    for (const digest of [seeded.sampleDigests.material[0]!, seeded.sampleDigests.attestation[3]!, seeded.sampleDigests.commit[1]!, crafted.digest]) {
      const [x, y] = both(["discover", digest]);
      expect(y).toEqual(x);
    }
    // describe reads the bundle: on the store's own machine (the home's CAS) with the rows from PostgreSQL.
    const d1 = home.json(["workflow", "run", "describe", "--id", crafted.runId]);
    expect(home.json(["workflow", "run", "describe", "--id", crafted.runId], { CAIRN_DATABASE_URL: pg.url })).toEqual(d1);
  });

  test("a second migrate into the now non-empty database is refused and changes nothing", () => {
    const r = home.run(["store", "migrate", "--to", pg.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the target database already holds data");
    expect(replica.json<{ items: unknown[] }>(["workflow", "run", "list", "--limit", "5"]).items).toHaveLength(5);
  });
});

describe.skipIf(skip !== undefined)(`store migrate --blobs${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const src = new Sandbox(); // a home whose blobs are on its own disk
  const other = new Sandbox(); // another machine on the PostgreSQL store, with an empty disk CAS
  let registry: RunningRegistry;
  let target: TestDatabase;
  let pushed: { runId: string; digest: string };
  beforeAll(async () => {
    if (skip) return;
    registry = await startRegistry();
    target = (await testDatabase({ migrate: false }))!;
    other.env.CAIRN_DATABASE_URL = target.url;
    src.ok(["keys", "generate", "--output-prefix", "cosign"]);
    writeFileSync(src.path("report.txt"), "built and tested\n");
    src.ok(["att", "init", "--workflow", "release", "--project", "moved"]);
    src.ok(["att", "add", "--name", "report", "--kind", "ARTIFACT", "--value", "report.txt"]);
    pushed = src.json(["att", "push", "--key", "cosign.key"]);
  });
  afterAll(async () => {
    await target?.drop();
    await registry?.stop();
    src.cleanup();
    other.cleanup();
  });

  test("refused before anything is copied while the home's default CAS is its own disk", async () => {
    const r = src.run(["store", "migrate", "--blobs", "--to", target.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("this home has none (its default is the local disk)");
    expect(r.stderr).toContain("cas-backend add oci|s3");
    const tables = await target.db.query<{ n: number | string }>("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'");
    expect(Number(tables[0]!.n)).toBe(0); // the database was not touched: no schema yet
  });

  test("the home's blobs reach the shared backend first, so another machine on the database reads the bundle", () => {
    src.ok(["cas-backend", "add", "oci", "--name", "shared", "--repo", `${registry.host}/evidence`, "--insecure-http", "--default"]);
    const r = src.json<{ blobs: { copied: number; already: number; notLocal: number; backend: string }; tables: Record<string, number> }>(["store", "migrate", "--blobs", "--to", target.url]);
    expect(r.blobs.copied).toBe(2); // the bundle and the stored material
    expect(r.blobs.already).toBe(0);
    expect(r.blobs.notLocal).toBe(0);
    expect(r.blobs.backend).toContain(`${registry.host}/evidence`);
    expect(r.tables.attestations).toBe(1);
    const here = src.json(["workflow", "run", "describe", "--id", pushed.runId]);
    expect(other.json(["workflow", "run", "describe", "--id", pushed.runId])).toEqual(here);
    const fsck = other.json<{ ok: boolean }>(["store", "fsck", "--key", src.path("cosign.pub")]); // every blob read from the backend, re-hashed
    expect(fsck.ok).toBe(true);
  });
});
