import { afterEach, describe, expect, test } from "bun:test";
import { renderStatus } from "../../cli/render-status.ts";
import type { ContractNotice } from "../../crafter/state/types.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import { parseContractText, registerRevision } from "../contracts.ts";
import { initAttestation, type InitInput } from "./init.ts";
import { noticeLines } from "./init-notice.ts";
import { pushAttestation } from "./push.ts";
import { startRemoteInit } from "./served-init.ts";
import { statusView } from "./status.ts";

const body = (materials: string) => `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: build\nspec:\n  materials:\n${materials}`;
const REV1 = body("    - { name: bin, type: STRING, optional: true }\n");
const REV2 = body("    - { name: bin, type: STRING, optional: true }\n    - { name: sbom, type: SBOM_CYCLONEDX_JSON, optional: true }\n");

let s: TestStore;
afterEach(() => s?.cleanup());

const init = (extra: Partial<InitInput> = {}) => initAttestation(s.app, { workflow: "build", project: "skynet", dryRun: false, replace: true, ...extra });
const push = () => pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {} });

async function revise(text: string, by: string): Promise<void> {
  const org = await s.app.repo.ensureOrg("default", "2025-01-01T00:00:00Z");
  await registerRevision(s.app, org.id, "build", parseContractText(text, "test"), s.app.clock.now().toISOString(), by);
}

/** A fresh store whose workflow has a pushed run on revision 1, then revision 2 by secops a minute later. */
async function revisedAfterAPush(): Promise<void> {
  s = await testStore();
  await revise(REV1, "local");
  await init({ contract: "build" });
  await push();
  s.advance(60_000);
  await revise(REV2, "token:secops");
}

const EXPECTED: ContractNotice = {
  contractName: "build",
  fromRevision: 1,
  toRevision: 2,
  createdBy: "token:secops",
  createdAt: "2025-01-01T00:01:00.000Z",
  changes: [{ change: "material-added", material: "sbom", kind: "SBOM_CYCLONEDX_JSON", required: false, output: false }],
};

describe("init's contract change notice", () => {
  test("none on a new workflow or before any run finished; a failed run counts as finished, and a pinned revision is compared too", async () => {
    s = await testStore();
    await revise(REV1, "local");
    expect((await init({ contract: "build" })).contractChanges).toBeUndefined();
    await revise(REV2, "token:secops"); // no finished run yet: nothing to compare with
    expect((await init()).contractChanges).toBeUndefined();

    await s.app.repo.finishRun((await init({ contractRevision: 1 })).workflow.runId!, "failed", "2025-01-01T00:00:30Z", "tests failed", null);
    s.advance(60_000);
    await revise(body("    - { name: bin, type: STRING, optional: true }\n    - { name: sbom, type: SBOM_CYCLONEDX_JSON, optional: true }\n    - { name: x, type: STRING }\n"), "local");
    // a pinned revision compares with the failed run's revision 1 too
    expect((await init({ contractRevision: 2 })).contractChanges).toEqual({ ...EXPECTED, createdAt: "2025-01-01T00:00:00.000Z" });
  });

  test("init, dry-run, status and the remote init answer carry it; a cancelled run does not end it, a push does", async () => {
    await revisedAfterAPush();

    const st = await init();
    expect(st.contractChanges).toEqual(EXPECTED);
    expect(statusView(st).contractChanges).toEqual(EXPECTED);
    expect((await init({ dryRun: true })).contractChanges).toEqual(EXPECTED);
    const remote = await startRemoteInit(s.app, { workflow: "build", project: "skynet", dryRun: false }, { observations: { runner: { type: "RUNNER_TYPE_UNSPECIFIED" }, env: {} }, remoteState: false });
    expect(remote.state.contractChanges).toEqual(EXPECTED);

    const again = await init(); // --replace cancels the previous run: not a finished run for the notice
    expect(again.contractChanges).toEqual(EXPECTED);
    await push();
    expect((await init()).contractChanges).toBeUndefined();
  });

  test("rendered before the materials table", async () => {
    await revisedAfterAPush();
    const view = statusView(await init());
    expect(noticeLines(view.contractChanges!)).toEqual([
      "contract build revised to revision 2 by token:secops at 2025-01-01T00:01:00.000Z (the last finished run used revision 1)",
      "  + material sbom (SBOM_CYCLONEDX_JSON), optional",
    ]);
    const out = renderStatus(view, false);
    expect(out.indexOf("contract build revised to revision 2")).toBeGreaterThan(out.indexOf("Attestation ID"));
    expect(out.indexOf("contract build revised to revision 2")).toBeLessThan(out.indexOf("Materials"));
  });
});
