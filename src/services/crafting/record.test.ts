import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { policySummary } from "../../crafter/policy/attach.ts";
import type { Statement } from "../../crafter/statement.ts";
import { expectCode } from "../../test-helpers.ts";
import { craft } from "../control/ingest.testutil.ts";
import { listRuns } from "../control/runs.ts";
import { testStore } from "../control/runs.testutil.ts";
import { storedStatement } from "../stored-bundle.ts";
import { recordAttestation } from "./record.ts";

const sha = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const blocked = (st: Statement) =>
  void Object.assign(st.predicate, policySummary([{ policy: "p", digest: `sha256:${"e".repeat(64)}`, inputs: {}, violations: [{ rule: "r", message: "m" }], gate: true }], false));

describe("recordAttestation", async () => {
  const s = await testStore();
  afterAll(() => s.cleanup());
  /** The input of the last record(). */
  let last: Parameters<typeof recordAttestation>[1];

  /** A crafted run's signed bundle, recorded as a push would, with `pushedBy` when given. */
  async function record(mutate?: (st: Statement) => void, pushedBy?: string): Promise<string> {
    const c = await craft(s, s.app, { binary: `bin ${Math.random()}\n` });
    const bundle = await c.sign(undefined, mutate);
    const input = {
      statement: storedStatement(bundle, sha(bundle)),
      bundle,
      runId: c.runId,
      workflowId: (await s.app.repo.getRun(c.runId))!.workflowId,
      meta: { workflow: "build", project: "skynet", organization: "default", contractName: "skynet-build", contractRevision: 1 },
      pushedBy,
      now: s.app.clock.now().toISOString(),
    };
    await recordAttestation(s.app, input);
    last = input;
    return c.runId;
  }

  test("stores who pushed it, and a blocked statement finishes the run blocked with its verdict", async () => {
    const id = await record(blocked, "ci-token");
    expect(await s.app.repo.getRun(id)).toMatchObject({ state: "blocked", policyStatus: "blocked", pushedBy: "ci-token", reason: "blocked: 1 gated policy violation" });
    expect((await listRuns(s.app, { status: "blocked" })).items.map((r) => [r.id, r.pushedBy])).toEqual([[id, "ci-token"]]);
    const local = await record();
    expect(await s.app.repo.getRun(local)).toMatchObject({ state: "succeeded", policyStatus: "none", pushedBy: "local", reason: null });
  });

  test("a blocked run takes no second attestation", async () => {
    const id = await record(blocked);
    const before = await s.app.repo.getRun(id);
    const again = await expectCode(() => recordAttestation(s.app, { ...last, pushedBy: "someone-else" }), "STATE_INVALID");
    expect(again.message).toBe(`workflow run ${id} is already blocked`);
    expect(await s.app.repo.getRun(id)).toEqual(before);
  });
});
