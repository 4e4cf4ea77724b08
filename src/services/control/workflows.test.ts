import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { createContract, describeContract } from "./contracts.ts";
import { listRuns } from "./runs.ts";
import { pushRun, startRun, testStore, type TestStore } from "./runs.testutil.ts";
import { createWorkflow, deleteWorkflow, describeWorkflow, listWorkflows, updateWorkflow } from "./workflows.ts";

const CONTRACTS = join(import.meta.dir, "../../../fixtures/contracts");
let s: TestStore;
afterEach(() => s.cleanup());

describe("workflow create", () => {
  test("without --contract the workflow gets its own empty contract <project>-<name>; duplicates are refused", async () => {
    s = await testStore();
    const w = await createWorkflow(s.app, { name: "build", project: "skynet", team: "core", description: "builds it" });
    expect(w).toMatchObject({ name: "build", project: "skynet", team: "core", description: "builds it", contractName: "skynet-build", contractLatestRevision: 1, runsCount: 0, lastRun: null, created: true });
    expect((await describeContract(s.app, { name: "skynet-build" })).body).toContain("name: skynet-build");
    const e = await expectCode(() => createWorkflow(s.app, { name: "build", project: "skynet" }), "ALREADY_EXISTS");
    expect(e.hint).toContain("--skip-if-exists");
    for (const [name, project] of [["Build", "skynet"], ["build", "sky_net"], ["", "skynet"]]) await expectCode(() => createWorkflow(s.app, { name: name!, project: project! }), "USAGE");
  });

  test("--skip-if-exists returns the existing workflow unchanged and warns about ignored flags", async () => {
    s = await testStore();
    const warnings: string[] = [];
    s.app.reporter = { warn: (m) => warnings.push(m) };
    const first = await createWorkflow(s.app, { name: "build", project: "skynet", team: "core" });
    const again = await createWorkflow(s.app, { name: "build", project: "skynet", team: "other", skipIfExists: true });
    expect(again).toMatchObject({ id: first.id, team: "core", created: false });
    expect(warnings.join()).toContain("not applied");
  });

  test("--contract FILE registers the file under its metadata.name (or <project>-<name>); --contract NAME must exist", async () => {
    s = await testStore();
    expect((await createWorkflow(s.app, { name: "rel", project: "orbit", contract: join(CONTRACTS, "valid-v2.yaml") })).contractName).toBe("orbit-release");
    // the same content again: the contract keeps revision 1
    expect((await createWorkflow(s.app, { name: "rel2", project: "orbit", contract: join(CONTRACTS, "valid-v2.json") }))).toMatchObject({ contractName: "orbit-release", contractLatestRevision: 1 });
    expect((await createWorkflow(s.app, { name: "v1", project: "orbit", contract: join(CONTRACTS, "valid-v1.yaml") })).contractName).toBe("orbit-v1");
    expect((await createWorkflow(s.app, { name: "shared", project: "orbit", contract: "orbit-release" })).contractName).toBe("orbit-release");
    const e = await expectCode(() => createWorkflow(s.app, { name: "x", project: "orbit", contract: "no-such-contract" }), "NOT_FOUND");
    expect(e.hint).toContain("workflow contract list");
    await expectCode(() => createWorkflow(s.app, { name: "x", project: "orbit", contract: "missing.yaml" }), "NOT_FOUND");
    await expectCode(() => createWorkflow(s.app, { name: "x", project: "orbit", contract: join(CONTRACTS, "invalid-runner.yaml") }), "CONTRACT_INVALID");
    expect((await listWorkflows(s.app, { project: "orbit" })).items.map((w) => w.name).sort()).toEqual(["rel", "rel2", "shared", "v1"]);
  });
});

describe("workflow list and describe", () => {
  test("newest first, filtered by project and team, paginated across pages", async () => {
    s = await testStore();
    for (const [i, name] of ["a", "b", "c", "d", "e"].entries()) {
      await createWorkflow(s.app, { name, project: i % 2 ? "odd" : "even", team: i < 2 ? "core" : "edge" });
      s.advance(1000);
    }
    expect((await listWorkflows(s.app, {})).items.map((w) => w.name)).toEqual(["e", "d", "c", "b", "a"]);
    expect((await listWorkflows(s.app, { project: "odd" })).items.map((w) => w.name)).toEqual(["d", "b"]);
    expect((await listWorkflows(s.app, { team: "core" })).items.map((w) => w.name)).toEqual(["b", "a"]);
    const names: string[][] = [];
    let next: string | undefined;
    do {
      const page = await listWorkflows(s.app, { limit: 2, next });
      names.push(page.items.map((w) => w.name));
      next = page.next;
    } while (next);
    expect(names).toEqual([["e", "d"], ["c", "b"], ["a"]]);
    await expectCode(() => listWorkflows(s.app, { next: "garbage" }), "USAGE");
    await expectCode(() => listWorkflows(s.app, { limit: 0 }), "USAGE");
  });

  test("workflows created in the same instant are paged by id, none lost or repeated", async () => {
    s = await testStore();
    for (const n of ["p", "q", "r", "s", "t"]) await createWorkflow(s.app, { name: n, project: "same" });
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await listWorkflows(s.app, { limit: 2, next });
      seen.push(...page.items.map((w) => w.name));
      next = page.next;
    } while (next);
    expect(seen.sort()).toEqual(["p", "q", "r", "s", "t"]);
  });

  test("runs count and last run (state, revision used) come with each workflow; describe adds id and times", async () => {
    s = await testStore();
    await createWorkflow(s.app, { name: "build", project: "skynet" });
    await pushRun(s, "build", "skynet", []);
    const open = await startRun(s, "build", "skynet");
    const [w] = (await listWorkflows(s.app, {})).items;
    expect(w).toMatchObject({ runsCount: 2, lastRun: { id: open, state: "initialized", contractRevisionUsed: 1 } });
    s.advance(2 * 3_600_000); // past the run TTL: the last run shows as expired
    const d = await describeWorkflow(s.app, { name: "build", project: "skynet" });
    expect(d).toMatchObject({ name: "build", runsCount: 2, lastRun: { id: open, state: "expired" }, createdAt: "2025-01-01T00:00:00.000Z", updatedAt: null });
    expect(d.id).toMatch(/^[0-9a-f-]{36}$/);
    await expectCode(() => describeWorkflow(s.app, { name: "nope", project: "skynet" }), "NOT_FOUND");
  });
});

describe("workflow update and delete", () => {
  test("update needs a change; changes team/description (\"\" clears) and re-points the contract", async () => {
    s = await testStore();
    await createWorkflow(s.app, { name: "build", project: "skynet", team: "core" });
    await expectCode(() => updateWorkflow(s.app, { name: "build", project: "skynet" }), "USAGE");
    await expectCode(() => updateWorkflow(s.app, { name: "ghost", project: "skynet", team: "x" }), "NOT_FOUND");
    s.advance(1000);
    const u = await updateWorkflow(s.app, { name: "build", project: "skynet", team: "", description: "new" });
    expect(u).toMatchObject({ team: null, description: "new", contractName: "skynet-build", updatedAt: "2025-01-01T00:00:01.000Z" });
    await createContract(s.app, { name: "shared" });
    expect((await updateWorkflow(s.app, { name: "build", project: "skynet", contract: "shared" })).contractName).toBe("shared");
    expect((await updateWorkflow(s.app, { name: "build", project: "skynet", contract: join(CONTRACTS, "demo.yaml") })).contractName).toBe("demo");
    const run = await startRun(s, "build", "skynet");
    expect((await listRuns(s.app, {})).items.find((r) => r.id === run)?.contractName).toBe("demo");
  });

  test("delete is soft: the name is reusable, runs stay listed, the default contract is reused without a new revision", async () => {
    s = await testStore();
    await createWorkflow(s.app, { name: "build", project: "skynet" });
    const pushed = await pushRun(s, "build", "skynet", []);
    expect((await deleteWorkflow(s.app, { name: "build", project: "skynet" }))).toMatchObject({ name: "build", project: "skynet" });
    await expectCode(() => describeWorkflow(s.app, { name: "build", project: "skynet" }), "NOT_FOUND");
    await expectCode(() => deleteWorkflow(s.app, { name: "build", project: "skynet" }), "NOT_FOUND");
    expect((await listWorkflows(s.app, {})).items).toEqual([]);
    expect((await listRuns(s.app, { workflow: "build" })).items.map((r) => r.attestationDigest)).toEqual([pushed.digest]);
    expect(await s.app.repo.findAttestation(pushed.digest)).toBeDefined();

    const again = await createWorkflow(s.app, { name: "build", project: "skynet" });
    expect(again).toMatchObject({ created: true, runsCount: 0, contractName: "skynet-build", contractLatestRevision: 1 });
  });
});
