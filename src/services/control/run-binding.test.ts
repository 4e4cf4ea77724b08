import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { isCairnError } from "../../errors.ts";
import { describeRun, runAttestation } from "./runs.ts";
import { TempStore } from "./store-fixture.testutil.ts";

let store: TempStore;
afterEach(() => store.cleanup());

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isCairnError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("describe --verify checks the statement belongs to the run asked for", () => {
  test("an intact run verifies; with attestation digests swapped between two runs, each refuses naming the field", async () => {
    store = new TempStore();
    const app = await store.open();
    const a = await store.push(app, "build", "skynet", "first\n");
    const b = await store.push(app, "test", "skynet", "second\n");
    const runA = (await app.repo.findAttestation(a.bundle))!.runId;
    const runB = (await app.repo.findAttestation(b.bundle))!.runId;
    const trust = { keys: [store.key.publicKey], roots: [] };
    expect((await describeRun(app, { id: runA }, trust)).verification?.verified).toBe(true);

    const db = new Database(join(store.home, "cairn.db"));
    db.query("UPDATE workflow_runs SET attestation_digest = CASE id WHEN ?1 THEN ?3 ELSE ?4 END WHERE id IN (?1, ?2)").run(runA, runB, b.bundle, a.bundle);
    db.close();
    const r = await refusal(describeRun(app, { id: runA }, trust));
    expect(r.code).toBe("VERIFY_FAILED");
    expect(r.message).toBe(`attestation ${b.bundle} is not workflow run ${runA}'s: the signed workflowRunID is "${runB}", but run ${runA} says "${runA}"`);
    expect((await refusal(runAttestation(app, { id: runB }, trust))).message).toContain(`the signed workflowRunID is "${runA}"`);
    // Without --verify nothing is claimed, so the run still describes.
    expect((await describeRun(app, { id: runA })).attestation?.digest).toBe(b.bundle);
  });
});
