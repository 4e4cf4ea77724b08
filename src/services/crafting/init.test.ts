import { afterEach, describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import { classifyContractRef, parseContractText, registerRevision } from "../contracts.ts";
import { initAttestation, type InitInput } from "./init.ts";
import { pushAttestation } from "./push.ts";

const contract = (name: string, material: string) =>
  `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: ${name}\nspec:\n  materials:\n    - name: ${material}\n      type: STRING\n      optional: true\n`;

let s: TestStore;
afterEach(() => s?.cleanup());

const init = (extra: Partial<InitInput>) => initAttestation(s.app, { workflow: "build", project: "skynet", dryRun: false, replace: true, ...extra });

/** Registers `name` with one revision per material name given, as `contract update` would. */
async function revisions(name: string, ...materials: string[]): Promise<void> {
  const org = await s.app.repo.ensureOrg("default", "2025-01-01T00:00:00Z");
  for (const m of materials) await registerRevision(s.app, org.id, name, parseContractText(contract(name, m), "test"), "2025-01-01T00:00:00Z", "local");
}

describe("init --contract NAME|FILE and --contract-revision", () => {
  test("a stored contract by name: the latest revision, recorded as used and latest", async () => {
    s = await testStore();
    await revisions("release", "a", "b");
    const st = await init({ contract: "release" });
    expect([st.workflow.contractName, st.workflow.contractRevision, st.workflow.contractRevisionLatest]).toEqual(["release", 2, 2]);
    expect(st.contract.materials.map((m) => m.name)).toEqual(["b"]);
    expect(await s.app.repo.getRun(st.workflow.runId!)).toMatchObject({ contractRevisionUsed: 2, contractRevisionLatest: 2 });
  });

  test("--contract-revision pins an older revision and warns that a newer one exists", async () => {
    s = await testStore();
    const warnings: string[] = [];
    s.app.reporter = { warn: (m) => void warnings.push(m) };
    await revisions("release", "a", "b", "c");
    const st = await init({ contract: "release", contractRevision: 1 });
    expect([st.workflow.contractRevision, st.workflow.contractRevisionLatest]).toEqual([1, 3]);
    expect(st.contract.materials.map((m) => m.name)).toEqual(["a"]);
    expect(warnings).toEqual(["contract release revision 1 is pinned, but revision 3 is the latest"]);
    // the existing workflow's own contract, pinned without --contract
    expect((await init({ contractRevision: 2 })).contract.materials.map((m) => m.name)).toEqual(["b"]);
  });

  test("bad references are refused before anything is written", async () => {
    s = await testStore();
    await revisions("release", "a");
    await expectCode(() => init({ contract: "nope" }), "NOT_FOUND");
    await expectCode(() => init({ contract: "release", contractRevision: 9 }), "NOT_FOUND");
    await expectCode(() => init({ contract: "release", contractRevision: 0 }), "USAGE");
    await expectCode(() => init({ contract: s.file("c.yaml", contract("x", "a")), contractRevision: 1 }), "USAGE");
    await expectCode(() => init({ contract: "https://example.com/c.yaml" }), "USAGE");
    await expectCode(() => init({ contractRevision: 1 }), "NOT_FOUND"); // no workflow yet
    expect(await s.app.repo.findWorkflow((await s.app.repo.findOrg("default"))!.id, "skynet", "build")).toBeUndefined();
    await init({ contract: "release" });
    const e = await expectCode(() => init({ contract: "other" }), "NOT_FOUND");
    expect(e.message).toContain("other");
    await revisions("other", "z");
    const mismatch = await expectCode(() => init({ contract: "other" }), "USAGE");
    expect(mismatch.hint).toContain("workflow update");
  });

  test("a contract file is read relative to the configured cwd and registered as a revision of the workflow's contract", async () => {
    s = await testStore();
    const st = await init({ contract: s.file("c.yaml", contract("rel", "a")) });
    expect([st.workflow.contractName, st.workflow.contractRevision]).toEqual(["rel", 1]);
    const again = await init({ contract: s.file("c.yaml", `# reformatted\n${contract("rel", "a")}`) });
    expect(again.workflow.contractRevision).toBe(1); // same content: no revision
    expect((await init({ contract: s.file("c.yaml", contract("rel", "b")) })).workflow.contractRevision).toBe(2);
  });

  test("dry-run with a stored contract name reads it and writes nothing", async () => {
    s = await testStore();
    await revisions("release", "a", "b");
    const st = await init({ contract: "release", contractRevision: 1, dryRun: true });
    expect([st.dryRun, st.workflow.contractName, st.workflow.contractRevision]).toEqual([true, "release", 1]);
    expect(await s.app.repo.findWorkflow((await s.app.repo.findOrg("default"))!.id, "skynet", "build")).toBeUndefined();
  });
});

describe("init --version and --release", () => {
  test("the run belongs to the version; a push with --release releases it, and the predicate says so", async () => {
    s = await testStore();
    await expectCode(() => init({ release: true }), "USAGE");
    await expectCode(() => init({ version: "v 1" }), "USAGE");
    const first = await init({ version: "v1.0.0" });
    expect(first.workflow.projectVersion).toMatchObject({ version: "v1.0.0", prerelease: true, markAsReleased: false });
    expect((await s.app.repo.getRun(first.workflow.runId!))!.projectVersionId).toBe(first.workflow.projectVersion!.id!);
    const pushed = await pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {} });
    expect(pushed.statement.predicate.metadata).toMatchObject({ projectVersion: "v1.0.0", projectVersionPrerelease: true });

    await init({ version: "v1.0.0", release: true });
    const released = await pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {} });
    expect(released.statement.predicate.metadata).toMatchObject({ projectVersion: "v1.0.0", projectVersionPrerelease: false });
    const org = (await s.app.repo.findOrg("default"))!;
    expect(await s.app.repo.findProjectVersion(org.id, "skynet", "v1.0.0")).toMatchObject({ prerelease: false, releasedAt: expect.any(String) });

    const later = await init({ version: "v1.0.0" });
    expect(later.workflow.projectVersion).toMatchObject({ prerelease: false });
    const dry = await init({ version: "v2.0.0", dryRun: true });
    expect(dry.workflow.projectVersion).toEqual({ version: "v2.0.0", prerelease: true, markAsReleased: false });
    expect(await s.app.repo.findProjectVersion(org.id, "skynet", "v2.0.0")).toBeUndefined();
  });

  test("without --version the predicate has no version fields", async () => {
    s = await testStore();
    await init({});
    const r = await pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {} });
    expect(Object.keys(JSON.parse(JSON.stringify(r.statement.predicate.metadata)))).not.toContain("projectVersion");
  });
});

describe("classifyContractRef", () => {
  const none = () => false;
  test("paths and file names are files, DNS names are names, an existing file wins", () => {
    expect(classifyContractRef("contract.yaml", none)).toEqual({ file: "contract.yaml" });
    expect(classifyContractRef("./c", none)).toEqual({ file: "./c" });
    expect(classifyContractRef("release", none)).toEqual({ name: "release" });
    expect(classifyContractRef("release", () => true)).toEqual({ file: "release" });
  });
  test("URLs and names that are neither are usage errors", async () => {
    await expectCode(() => classifyContractRef("http://x/c.yaml", none), "USAGE");
    await expectCode(() => classifyContractRef("Not A Name", none), "USAGE");
  });
});
