// Test support for the compliance service and the operator view: a store holding a workflow in every compliance
// state, filled through the services (real pushes, signed, with the injected clock moved for staleness).
import { createHash } from "node:crypto";
import type { ComplianceState } from "../../services/control/compliance.ts";
import type { PushResult } from "../../services/crafting/push.ts";
import { resetAttestation } from "../../services/crafting/reset.ts";
import { updateContract } from "../../services/control/contracts.ts";
import { GATED_CONTRACT, pushGated, pushRun, startRun, type TestStore } from "../../services/control/runs.testutil.ts";
import { createWorkflow } from "../../services/control/workflows.ts";

const DAY = 86_400_000;
const APP_BINARY = "the app binary\n";

const contract = (name: string, materials: string) => `apiVersion: cairn.dev/v1
kind: Contract
metadata:
  name: ${name}
spec:
  materials:
${materials}`;

const REL_1 = contract("release", "    - {type: ARTIFACT, name: binary}\n");
const REL_2 = contract("release", "    - {type: ARTIFACT, name: binary}\n    - {type: ARTIFACT, name: sbom}\n");
const DOCS_1 = contract("docs", "    - {type: STRING, name: notes, optional: true}\n");
const DOCS_2 = contract("docs", "    - {type: STRING, name: notes, optional: true}\n    - {type: STRING, name: site, optional: true}\n");


export interface Seeded {
  /** Workflow name → the compliance state the seed gives it. */
  expected: Record<string, ComplianceState>;
  /** The passing build's push: its run has an ARTIFACT material stored in the CAS. */
  build: PushResult;
  /** The in-progress run of `build` (its state is judged by the run before). */
  openRunId: string;
  /** The run of `scan` whose push a policy gate blocked (its attestation stored, the run `blocked`). */
  blockedRunId: string;
  /** The digest of the build's binary material. */
  binaryDigest: string;
}

/**
 * Day 0: `nightly` succeeds, then nothing for 8 days (stale at the default 7). Day 8: `release` succeeds on contract
 * revision 1, which revision 2 then extends with a required `sbom` (failing: missing); `docs` succeeds on revision 1
 * and revision 2 adds an optional material (behind); `deploy` succeeds then fails (failing); `build` succeeds and a
 * new run starts (passing: judged by the finished run); `audit` never runs; `scan` pushes an SBOM with a banned
 * license under a gated policy (blocked).
 */
export async function seedEveryState(s: TestStore): Promise<Seeded> {
  s.file("app.bin", APP_BINARY);
  s.file("release-1.yaml", REL_1);
  s.file("release-2.yaml", REL_2);
  s.file("docs-1.yaml", DOCS_1);
  s.file("docs-2.yaml", DOCS_2);

  await createWorkflow(s.app, { name: "nightly", project: "skynet", team: "platform" });
  await pushRun(s, "nightly", "skynet", []);
  s.advance(8 * DAY);

  await createWorkflow(s.app, { name: "release", project: "skynet", team: "platform", contract: "release-1.yaml" });
  await pushRun(s, "release", "skynet", [{ name: "binary", kind: "ARTIFACT", value: "app.bin" }]);
  await updateContract(s.app, { name: "release", file: "release-2.yaml" });

  await createWorkflow(s.app, { name: "docs", project: "skynet", team: "web", contract: "docs-1.yaml" });
  await pushRun(s, "docs", "skynet", [{ name: "notes", kind: "STRING", value: "first docs" }]);
  await updateContract(s.app, { name: "docs", file: "docs-2.yaml" });

  await createWorkflow(s.app, { name: "deploy", project: "orbit" });
  await pushRun(s, "deploy", "orbit", []);
  await startRun(s, "deploy", "orbit");
  await resetAttestation(s.app, { trigger: "failure", reason: "smoke tests failed" });
  s.advance(1000);

  await createWorkflow(s.app, { name: "audit", project: "orbit", team: "security" });

  s.file("gated.yaml", GATED_CONTRACT);
  await createWorkflow(s.app, { name: "scan", project: "orbit", team: "security", contract: "gated.yaml" });
  const blockedRunId = await pushGated(s, "scan", "orbit", "banned");

  await createWorkflow(s.app, { name: "build", project: "skynet", team: "platform" });
  const build = await pushRun(s, "build", "skynet", [
    { name: "binary", kind: "ARTIFACT", value: "app.bin" },
    { name: "tag", kind: "STRING", value: "v1.2.3" },
  ]);
  const openRunId = await startRun(s, "build", "skynet");
  return {
    expected: { nightly: "stale", release: "failing", docs: "behind", deploy: "failing", audit: "never_run", scan: "blocked", build: "passing" },
    build,
    openRunId,
    blockedRunId,
    binaryDigest: `sha256:${createHash("sha256").update(APP_BINARY).digest("hex")}`,
  };
}

