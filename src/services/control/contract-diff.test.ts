import { afterEach, describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { parseContractText, registerRevision } from "../contracts.ts";
import { diffContractRevisions, renderContractDiff } from "./contract-diff.ts";
import { describeContract } from "./contracts.ts";
import { testStore, type TestStore } from "./runs.testutil.ts";

const body = (materials: string) => `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: build\nspec:\n  materials:\n${materials}`;

let s: TestStore;
afterEach(() => s?.cleanup());

async function revisions(): Promise<void> {
  const org = await s.app.repo.ensureOrg("default", "2025-01-01T00:00:00Z");
  const add = (text: string, at: string, by: string) => registerRevision(s.app, org.id, "build", parseContractText(text, "test"), at, by);
  await add(body("    - { name: bin, type: ARTIFACT }\n"), "2025-01-01T00:00:00Z", "local");
  await add(body("    - { name: bin, type: ARTIFACT }\n    - { name: sbom, type: SBOM_CYCLONEDX_JSON }\n"), "2025-01-02T00:00:00Z", "token:secops");
  await add(body("    - { name: bin, type: ARTIFACT, optional: true }\n    - { name: sbom, type: SBOM_CYCLONEDX_JSON }\n"), "2025-01-03T00:00:00Z", "token:secops");
}

describe("diffContractRevisions", () => {
  const describeIn = () => async (i: { name: string; revision?: number }) => describeContract(s.app, i);

  test("default: the previous revision against the latest, with both stamps", async () => {
    s = await testStore();
    await revisions();
    const d = await diffContractRevisions(describeIn(), { name: "build" });
    expect([d.from.revision, d.to.revision, d.to.createdBy, d.to.createdAt]).toEqual([2, 3, "token:secops", "2025-01-03T00:00:00Z"]);
    expect(d.changes).toEqual([{ change: "material-required", material: "bin", required: false }]);
    expect(renderContractDiff(d)).toEqual([
      "contract build",
      "  revision 2: created 2025-01-02T00:00:00Z by token:secops",
      "  revision 3: created 2025-01-03T00:00:00Z by token:secops",
      "changes from revision 2 to 3:",
      "  ~ material bin is now optional",
    ]);
  });

  test("--from and --to; --to alone compares with the revision before it", async () => {
    s = await testStore();
    await revisions();
    const d = await diffContractRevisions(describeIn(), { name: "build", to: 2 });
    expect([d.from.revision, d.from.createdBy]).toEqual([1, "local"]);
    expect(d.changes).toEqual([{ change: "material-added", material: "sbom", kind: "SBOM_CYCLONEDX_JSON", required: true, output: false }]);
    expect((await diffContractRevisions(describeIn(), { name: "build", from: 1, to: 3 })).changes).toHaveLength(2);
    expect((await diffContractRevisions(describeIn(), { name: "build", from: 3, to: 3 })).changes).toEqual([]);
  });

  test("refusals: one revision only, bad numbers, unknown revisions and contracts", async () => {
    s = await testStore();
    await revisions();
    await expectCode(() => diffContractRevisions(describeIn(), { name: "build", to: 1 }), "USAGE");
    await expectCode(() => diffContractRevisions(describeIn(), { name: "build", from: 0 }), "USAGE");
    await expectCode(() => diffContractRevisions(describeIn(), { name: "build", from: Number.NaN }), "USAGE");
    await expectCode(() => diffContractRevisions(describeIn(), { name: "build", from: 9 }), "NOT_FOUND");
    await expectCode(() => diffContractRevisions(describeIn(), { name: "nope" }), "NOT_FOUND");
  });
});
