// The HTTP control plane against an in-process `cairn serve`: results and errors equal the local services'.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../test-helpers.ts";
import { apiFixture, type Api } from "../server/api.testutil.ts";
import { planes, same, type Pair } from "./remote.testutil.ts";

const FIXTURES = join(import.meta.dir, "../../fixtures/contracts");
let api: Api;
let p: Pair;
beforeAll(async () => {
  api = await apiFixture();
  p = planes(api);
  cpSync(join(FIXTURES, "apply"), join(api.s.dir, "apply"), { recursive: true });
  cpSync(join(FIXTURES, "demo.yaml"), join(api.s.dir, "demo.yaml"));
});
afterAll(() => api.cleanup());

describe("workflows", () => {
  test("list and describe equal the local services'; unknown workflows fail alike", async () => {
    expect((await same(p, async (cp) => await cp.workflows.list({ project: "p1" }))) as object).toHaveProperty("ok.items.length", 2);
    await same(p, async (cp) => await cp.workflows.list({ limit: 1 }));
    await same(p, async (cp) => await cp.workflows.describe({ name: "build", project: "p1" }));
    const missing = await same(p, async (cp) => await cp.workflows.describe({ name: "nope", project: "p1" }));
    expect(missing).toMatchObject({ error: { code: "NOT_FOUND" } });
    await same(p, async (cp) => await cp.workflows.list({ next: "junk" }));
  });

  test("create, update and delete through the API; warnings arrive as locally", async () => {
    const w = await p.remote.workflows.create({ name: "lint", project: "p1", team: "qa" });
    expect([w.created, w.team, w.contractName]).toEqual([true, "qa", "p1-lint"]);
    expect(await p.local.workflows.describe({ name: "lint", project: "p1" })).toEqual((({ created: _c, ...rest }) => rest)(w));
    const again = await p.remote.workflows.create({ name: "lint", project: "p1", team: "x", skipIfExists: true });
    expect(again.created).toBe(false);
    expect(p.warnings.remote).toEqual([expect.stringContaining("already exists")]);
    await same(p, async (cp) => await cp.workflows.create({ name: "lint", project: "p1" }));
    const u = await p.remote.workflows.update({ name: "lint", project: "p1", description: "lints", contract: "p1-build" });
    expect([u.description, u.contractName]).toEqual(["lints", "p1-build"]);
    await same(p, async (cp) => await cp.workflows.update({ name: "lint", project: "p1" }));
    expect(await p.remote.workflows.delete({ name: "lint", project: "p1" })).toMatchObject({ name: "lint", project: "p1" });
    await expectCode(async () => await p.local.workflows.describe({ name: "lint", project: "p1" }), "NOT_FOUND");
  });

  test("a contract file for --contract is read here and registered by the server with the workflow", async () => {
    const w = await p.remote.workflows.create({ name: "x", project: "p1", contract: "demo.yaml" });
    expect([w.contractName, w.contractLatestRevision]).toEqual(["demo", 1]);
    await p.remote.workflows.delete({ name: "x", project: "p1" });
    await p.local.contracts.delete({ name: "demo" }); // the next tests create it
  });
});

describe("contracts", () => {
  test("create and update from a file read by the client; describe and list equal", async () => {
    const c = await p.remote.contracts.create({ name: "demo", file: "demo.yaml" });
    expect([c.name, c.description, c.latestRevision]).toEqual(["demo", "Demo release contract", 1]);
    expect(await p.remote.contracts.update({ name: "demo", file: "demo.yaml" })).toMatchObject({ revision: 1, changed: false });
    const d = await same(p, (cp) => cp.contracts.describe({ name: "demo" }));
    expect(d).toMatchObject({ ok: { body: readFileSync(join(api.s.dir, "demo.yaml"), "utf8") } });
    await same(p, (cp) => cp.contracts.describe({ name: "demo", revision: 9 }));
    await same(p, (cp) => cp.contracts.list({}));
    await same(p, (cp) => cp.contracts.create({ name: "demo" }));
  });

  test("errors name the file, not the request field", async () => {
    const mismatch = await same(p, (cp) => cp.contracts.update({ name: "p1-build", file: "demo.yaml" }));
    expect(mismatch).toMatchObject({ error: { code: "USAGE", message: "--name p1-build differs from metadata.name demo in demo.yaml" } });
    await same(p, (cp) => cp.contracts.create({ name: "x", file: "missing.yaml" }));
    await same(p, (cp) => cp.contracts.create({ name: "x", file: "apply/bad-second.yaml" }));
    const inUse = await same(p, (cp) => cp.contracts.delete({ name: "p1-build" }));
    expect(inUse).toMatchObject({ error: { code: "IN_USE" } });
    expect(await p.remote.contracts.delete({ name: "demo" })).toMatchObject({ name: "demo" });
  });
});

describe("apply", () => {
  test("a file and a directory: sources named by file, as locally; dry runs change nothing", async () => {
    for (const path of ["apply/two-contracts.yaml", "apply/dir", "apply/two-contracts-reformatted.yaml"]) {
      await same(p, (cp) => cp.contracts.apply({ path, dryRun: true }));
    }
    const r = await p.remote.contracts.apply({ path: "apply/two-contracts.yaml" });
    expect(r.items.map((i) => [i.source, i.action])).toEqual([
      ["apply/two-contracts.yaml#1", "created"],
      ["apply/two-contracts.yaml#2", "created"],
    ]);
    const reformatted = await same(p, (cp) => cp.contracts.apply({ path: "apply/two-contracts-reformatted.yaml" }));
    expect(reformatted).toMatchObject({ ok: { items: [{ action: "unchanged" }, { action: "unchanged" }] } });
  });

  test("a directory is one stream: every document stored with its own text and format", async () => {
    await p.remote.contracts.apply({ path: "apply/dir" });
    const stored = await Promise.all(["dir-a", "dir-b", "dir-c"].map((name) => p.local.contracts.describe({ name })));
    const files = ["a.yaml", "b.yml", "c.json"].map((f) => readFileSync(join(FIXTURES, "apply/dir", f), "utf8"));
    expect(stored.map((d) => d.format)).toEqual(["yaml", "yaml", "json"]);
    expect(stored[0]!.body).toBe(files[0]!);
    expect(stored[2]!.body).toBe(files[2]!);
    // A file's first document gets its `---`; one followed by a JSON document gets the end marker `...`.
    expect(stored[1]!.body).toBe(`---\n${files[1]}...\n`);
  });

  test("bad input fails alike and changes nothing", async () => {
    const before = await p.local.contracts.list({});
    for (const path of ["apply/bad-second.yaml", "apply/wrong-kind.yaml", "apply/missing", "apply"]) {
      expect(await same(p, (cp) => cp.contracts.apply({ path }))).toHaveProperty("error");
    }
    expect(await p.local.contracts.list({})).toEqual(before);
  });
});
