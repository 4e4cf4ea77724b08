import { afterEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { createContract, deleteContract, describeContract, listContracts, updateContract } from "./contracts.ts";
import { startRun, testStore, type TestStore } from "./runs.testutil.ts";
import { createWorkflow, deleteWorkflow, updateWorkflow } from "./workflows.ts";

const CONTRACTS = join(import.meta.dir, "../../../fixtures/contracts");
const V2_YAML = join(CONTRACTS, "valid-v2.yaml");
let s: TestStore;
afterEach(() => s.cleanup());

describe("contract create", () => {
  test("revision 1 from a file or empty; metadata.name must match --name; duplicates refused", async () => {
    s = await testStore();
    expect((await createContract(s.app, { name: "orbit-release", file: V2_YAML }))).toMatchObject({ name: "orbit-release", description: "Release contract for the orbit API", latestRevision: 1, workflowsCount: 0 });
    expect((await createContract(s.app, { name: "blank", description: "later" }))).toMatchObject({ name: "blank", description: "later", latestRevision: 1 });
    expect((await describeContract(s.app, { name: "blank" })).body).toContain("spec: {}");
    expect((await createContract(s.app, { name: "from-v1", file: join(CONTRACTS, "valid-v1.yaml") })).latestRevision).toBe(1);
    const e = await expectCode(() => createContract(s.app, { name: "other-name", file: V2_YAML }), "USAGE");
    expect(e.message).toContain("metadata.name orbit-release");
    await expectCode(() => createContract(s.app, { name: "orbit-release", file: V2_YAML }), "ALREADY_EXISTS");
    await expectCode(() => createContract(s.app, { name: "Bad_Name" }), "USAGE");
    await expectCode(() => createContract(s.app, { name: "x", file: "nope.yaml" }), "NOT_FOUND");
    await expectCode(() => createContract(s.app, { name: "x", file: join(CONTRACTS, "invalid-unknown-kind.yaml") }), "CONTRACT_INVALID");
  });
});

describe("contract update", () => {
  test("identical or merely reformatted content makes no revision; a change makes exactly one", async () => {
    s = await testStore();
    await createContract(s.app, { name: "orbit-release", file: V2_YAML });
    expect((await updateContract(s.app, { name: "orbit-release", file: V2_YAML }))).toMatchObject({ revision: 1, changed: false });
    expect((await updateContract(s.app, { name: "orbit-release", file: join(CONTRACTS, "valid-v2.json") }))).toMatchObject({ revision: 1, changed: false });
    const reformatted = s.file("reformatted.yaml", "# comments and order do not matter\n" + (await Bun.file(V2_YAML).text()).replace("kind: Contract\n", "") + "kind: Contract\n");
    expect((await updateContract(s.app, { name: "orbit-release", file: join(s.dir, reformatted) })).changed).toBe(false);
    expect((await describeContract(s.app, { name: "orbit-release" })).revisions.map((r) => r.revision)).toEqual([1]);

    s.advance(1000);
    const changed = s.file("changed.yaml", "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: orbit-release\n  description: smaller\nspec:\n  materials:\n    - {type: ARTIFACT, name: bin}\n");
    expect(await updateContract(s.app, { name: "orbit-release", file: changed })).toEqual({ name: "orbit-release", revision: 2, changed: true, description: "smaller" });
    expect((await updateContract(s.app, { name: "orbit-release", file: changed })).changed).toBe(false);
    expect(await updateContract(s.app, { name: "orbit-release", description: "kept apart" })).toEqual({ name: "orbit-release", revision: 2, changed: false, description: "kept apart" });
    expect((await listContracts(s.app, {})).items[0]).toMatchObject({ latestRevision: 2, updatedAt: "2025-01-01T00:00:01.000Z", createdAt: "2025-01-01T00:00:00.000Z" });
  });

  test("an unknown contract is NOT_FOUND and nothing is created; no flags is a usage error", async () => {
    s = await testStore();
    await expectCode(() => updateContract(s.app, { name: "orbit-release", file: V2_YAML }), "NOT_FOUND");
    expect((await listContracts(s.app, {})).items).toEqual([]);
    await createContract(s.app, { name: "c" });
    await expectCode(() => updateContract(s.app, { name: "c" }), "USAGE");
    await expectCode(() => updateContract(s.app, { name: "c", file: V2_YAML }), "USAGE"); // metadata.name differs
  });
});

describe("contract describe and list", () => {
  test("describe shows a revision's raw body, the revisions and the workflows using it; unknown revision is NOT_FOUND", async () => {
    s = await testStore();
    await createContract(s.app, { name: "orbit-release", file: V2_YAML });
    writeFileSync(join(s.dir, "v2.json"), (await Bun.file(join(CONTRACTS, "valid-v2.json")).text()).replace('"name": "api-image"', '"name": "api-img"'));
    s.advance(1000);
    await updateContract(s.app, { name: "orbit-release", file: "v2.json" }); // relative to the working directory
    await createWorkflow(s.app, { name: "rel", project: "orbit", contract: "orbit-release" });
    const latest = await describeContract(s.app, { name: "orbit-release" });
    expect(latest).toMatchObject({ revision: 2, latestRevision: 2, format: "json", workflows: [{ project: "orbit", name: "rel" }] });
    expect(latest.revisions.map((r) => [r.revision, r.createdAt])).toEqual([[1, "2025-01-01T00:00:00.000Z"], [2, "2025-01-01T00:00:01.000Z"]]);
    const first = await describeContract(s.app, { name: "orbit-release", revision: 1 });
    expect([first.format, first.body]).toEqual(["yaml", await Bun.file(V2_YAML).text()]);
    expect(first.digest).toBe(latest.revisions[0]!.digest);
    const e = await expectCode(() => describeContract(s.app, { name: "orbit-release", revision: 3 }), "NOT_FOUND");
    expect(e.hint).toContain("latest revision is 2");
    await expectCode(() => describeContract(s.app, { name: "orbit-release", revision: 0 }), "USAGE");
    await expectCode(() => describeContract(s.app, { name: "ghost" }), "NOT_FOUND");
  });

  test("list is by name with workflows counts, paginated across pages", async () => {
    s = await testStore();
    for (const n of ["e", "c", "a", "d", "b"]) await createContract(s.app, { name: n });
    await createWorkflow(s.app, { name: "w1", project: "p", contract: "c" });
    await createWorkflow(s.app, { name: "w2", project: "p", contract: "c" });
    const pages: string[][] = [];
    let next: string | undefined;
    do {
      const page = await listContracts(s.app, { limit: 2, next });
      pages.push(page.items.map((c) => `${c.name}:${c.workflowsCount}`));
      next = page.next;
    } while (next);
    expect(pages).toEqual([["a:0", "b:0"], ["c:2", "d:0"], ["e:0"]]);
    await expectCode(() => listContracts(s.app, { next: "bad" }), "USAGE");
  });
});

describe("contract delete", () => {
  test("refused while a live workflow uses it; then soft: name reusable, old revisions kept for old runs", async () => {
    s = await testStore();
    await createContract(s.app, { name: "shared", description: "used by two" });
    await createWorkflow(s.app, { name: "build", project: "skynet", contract: "shared" });
    await createWorkflow(s.app, { name: "test", project: "skynet", contract: "shared" });
    const runId = await startRun(s, "build", "skynet");
    const old = (await s.app.repo.findContractByName((await s.app.repo.findOrg("default"))!.id, "shared"))!;
    const e = await expectCode(() => deleteContract(s.app, { name: "shared" }), "IN_USE");
    expect(e.message).toContain("skynet/build, skynet/test");

    await deleteWorkflow(s.app, { name: "build", project: "skynet" });
    await updateWorkflow(s.app, { name: "test", project: "skynet", contract: V2_YAML }); // re-pointed to orbit-release
    expect((await deleteContract(s.app, { name: "shared" })).name).toBe("shared");
    await expectCode(() => describeContract(s.app, { name: "shared" }), "NOT_FOUND");
    await expectCode(() => deleteContract(s.app, { name: "shared" }), "NOT_FOUND");
    await expectCode(() => createWorkflow(s.app, { name: "x", project: "skynet", contract: "shared" }), "NOT_FOUND");
    expect((await listContracts(s.app, {})).items.map((c) => c.name)).toEqual(["orbit-release"]);

    // the old run still resolves the revision it used
    const run = (await s.app.repo.getRun(runId))!;
    expect((await s.app.repo.getRevision(old.id, run.contractRevisionUsed))?.contractName).toBe("shared");
    // and the name is free again: a new contract, revision 1
    expect((await createContract(s.app, { name: "shared" }))).toMatchObject({ latestRevision: 1, description: null });
    expect((await s.app.repo.findContractByName((await s.app.repo.findOrg("default"))!.id, "shared"))!.id).not.toBe(old.id);
  });
});
