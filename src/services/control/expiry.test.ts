import { afterAll, describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { addMaterial } from "../crafting/add.ts";
import { pushAttestation } from "../crafting/push.ts";
import { expireStaleRuns, formatDuration } from "./expiry.ts";
import { describeRun, listRuns } from "./runs.ts";
import { pushRun, startRun, testStore } from "./runs.testutil.ts";

describe("run expiry", async () => {
  const s = await testStore({ CAIRN_RUN_TTL: "90m" });
  afterAll(() => s.cleanup());

  test("an initialized run expires once older than the TTL; finished runs never do", async () => {
    const done = await pushRun(s, "build", "p", []);
    const runId = await startRun(s, "build", "p");
    s.advance(90 * 60_000); // exactly the TTL: not older than it yet
    expect(await expireStaleRuns(s.app)).toBe(0);
    expect((await listRuns(s.app, { status: "initialized" })).items.map((r) => r.id)).toEqual([runId]);
    s.advance(1);
    const now = "2025-01-01T01:30:01.001Z";
    const [open, finished] = (await listRuns(s.app, {})).items;
    expect(open).toMatchObject({ id: runId, state: "expired", reason: "expired after 90m", finishedAt: now });
    expect(finished).toMatchObject({ id: done.runId, state: "succeeded" });
    expect(await expireStaleRuns(s.app)).toBe(0); // idempotent
    expect((await describeRun(s.app, { id: runId })).run.state).toBe("expired");
  });

  test("describe expires a stale run before showing it", async () => {
    const runId = await startRun(s, "build", "p");
    s.advance(91 * 60_000);
    const d = await describeRun(s.app, { id: runId });
    expect(d.run).toMatchObject({ state: "expired", reason: "expired after 90m" });
  });

  test("pushing an expired run fails with STATE_INVALID and stores nothing", async () => {
    s.file("a.txt", "a\n");
    const runId = await startRun(s, "build", "p");
    await addMaterial(s.app, { name: "a", kind: "ARTIFACT", value: "a.txt", annotations: {}, strict: true });
    s.advance(2 * 60 * 60_000);
    await expectCode(() => pushAttestation(s.app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {} }), "STATE_INVALID");
    const run = (await s.app.repo.getRun(runId))!;
    expect(run.state).toBe("expired");
    expect(run.attestationDigest).toBeNull();
    expect(s.app.state.exists()).toBe(true); // kept: init --replace starts over
  });

  test("the remote crafting state of an expired run is dropped with it; open runs keep theirs", async () => {
    const stale = await startRun(s, "build", "p");
    s.app.state.remove(); // its state lives on the server, so the next init does not cancel it
    s.advance(60 * 60_000);
    const open = await startRun(s, "deploy", "p");
    const orgId = (await s.app.repo.findOrg("default"))!.id;
    for (const id of [stale, open]) await s.app.states.insert({ id, orgId, runId: id, state: "{}" }, "2025-01-01T00:00:00Z");
    s.advance(31 * 60_000); // the first is now 91 minutes old
    expect(await expireStaleRuns(s.app)).toBe(1);
    expect([await s.app.states.get(orgId, stale), (await s.app.states.get(orgId, open))?.id]).toEqual([undefined, open]);
  });

  test("durations are written as CAIRN_RUN_TTL accepts them", () => {
    expect([3_600_000, 5_400_000, 1000, 86_400_000, 1500].map(formatDuration)).toEqual(["1h", "90m", "1s", "1d", "1500ms"]);
  });
});
