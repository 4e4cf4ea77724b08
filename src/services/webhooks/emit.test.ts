// Each place an event happens enqueues its delivery in the same transaction: a real store, real pushes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { policySummary } from "../../crafter/policy/attach.ts";
import type { Statement } from "../../crafter/statement.ts";
import type { WebhookEvent, WebhookRepo } from "../../store/webhook-port.ts";
import { apply } from "../control/apply.ts";
import { createContract, updateContract } from "../control/contracts.ts";
import { ingestBundle } from "../control/ingest.ts";
import { craft, register } from "../control/ingest.testutil.ts";
import { pushGated, pushRun, startRun, testStore, type TestStore } from "../control/runs.testutil.ts";
import { createWorkflow } from "../control/workflows.ts";
import { resetAttestation } from "../crafting/reset.ts";
import { resetRemote } from "../crafting/served-state.ts";
import type { ServiceDeps } from "../deps.ts";
import { addWebhook } from "./registry.ts";

/** The bodies enqueued for webhook `all` (subscribed to everything) since the last call, oldest first. */
async function drain(s: TestStore): Promise<Record<string, unknown>[]> {
  const org = (await s.app.repo.findOrg("default"))!;
  const w = (await s.app.webhooks.find(org.id, "all"))!;
  const bodies = (await s.app.webhooks.deliveries(w.id, 1000)).filter((d) => !seen.has(d.id)).reverse();
  for (const d of bodies) seen.add(d.id);
  return bodies.map((d) => ({ ...(JSON.parse(d.body) as Record<string, unknown>), delivery: d.id === JSON.parse(d.body).id }));
}
const seen = new Set<string>();
const types = async (s: TestStore) => (await drain(s)).map((b) => b.type as WebhookEvent);

describe("events enqueued where they happen", async () => {
  const s = await testStore();
  afterAll(() => s.cleanup());
  beforeAll(async () => {
    await addWebhook(s.app, { name: "all", url: "http://127.0.0.1:9/all" });
    await register(s.app, "ci", s.key.publicKey);
  });

  test("a local push: attestation.pushed with the run, its verdict and the attestation digest (after the contract's revision 1)", async () => {
    const r = await pushRun(s, "build", "skynet", [{ name: "app", kind: "STRING", value: "v1" }]);
    const [revised, pushed, ...rest] = await drain(s);
    expect(rest).toEqual([]);
    expect(revised).toMatchObject({ type: "contract.revised", organization: "default", contract: { name: "skynet-build", revision: 1, previousRevision: null, createdBy: "local" }, path: "/contracts/skynet-build" });
    expect(pushed).toEqual({
      id: expect.any(String),
      delivery: true,
      type: "attestation.pushed",
      organization: "default",
      project: "skynet",
      workflow: "build",
      run: { id: r.runId, state: "succeeded", policyStatus: "none" },
      digests: { attestation: r.digest },
      path: `/runs/${r.runId}`,
      time: expect.any(String),
    });
  });

  test("a blocked push: attestation.pushed and run.blocked, both for the blocked run", async () => {
    const runId = await pushGated(s, "gate", "skynet", "banned");
    const bodies = (await drain(s)).filter((b) => b.type !== "contract.revised");
    expect(bodies.map((b) => [b.type, (b.run as { id: string }).id, (b.run as { state: string }).state, (b.run as { policyStatus: string }).policyStatus])).toEqual([
      ["attestation.pushed", runId, "blocked", "blocked"],
      ["run.blocked", runId, "blocked", "blocked"],
    ]);
    await pushGated(s, "gate", "skynet", "clean");
    expect(await types(s)).toEqual(["attestation.pushed"]);
  });

  test("the server's verified ingest: the same events (it stores through recordAttestation)", async () => {
    const c = await craft(s, s.app, { binary: "app v2\n" });
    await drain(s);
    const blocked = (st: Statement) =>
      void Object.assign(st.predicate, policySummary([{ policy: "p", digest: `sha256:${"e".repeat(64)}`, inputs: {}, violations: [{ rule: "r", message: "m" }], gate: true }], false));
    const r = await ingestBundle(s.app, await c.sign(undefined, blocked));
    expect((await drain(s)).map((b) => [b.type, b.digests, b.project, b.workflow])).toEqual([
      ["attestation.pushed", { attestation: r.digest }, "skynet", "build"],
      ["run.blocked", { attestation: r.digest }, "skynet", "build"],
    ]);
  });

  test("attestation reset with a failure: run.failed; a cancellation or a finished run: nothing", async () => {
    const failed = await startRun(s, "build", "skynet");
    await drain(s);
    await resetAttestation(s.app, { trigger: "failure", reason: "tests failed" });
    expect((await drain(s)).map((b) => [b.type, b.run, b.project, b.workflow, b.path])).toEqual([["run.failed", { id: failed, state: "failed" }, "skynet", "build", `/runs/${failed}`]]);
    await startRun(s, "build", "skynet");
    await resetAttestation(s.app, { trigger: "cancellation" });
    expect(await types(s)).toEqual([]);
    const served = await startRun(s, "build", "skynet");
    s.app.state.remove();
    await resetRemote(s.app, served, { trigger: "failure" });
    expect(await types(s)).toEqual(["run.failed"]);
    await resetRemote(s.app, served, { trigger: "failure" }); // already failed: stays, no second event
    expect(await types(s)).toEqual([]);
  });

  test("contract.revised for every added revision: create (revision 1), update, apply; an unchanged update none", async () => {
    const body = (m: string) => `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: rel\nspec:\n  materials:\n    - {type: STRING, name: ${m}}\n`;
    await createContract(s.app, { name: "rel" });
    await updateContract(s.app, { name: "rel", text: body("a") });
    await updateContract(s.app, { name: "rel", text: body("a") });
    s.file("rel.yaml", body("b"));
    await apply(s.app, { path: "rel.yaml" });
    const served = { ...s.app, actor: { tokenId: "t", tokenName: "secops", role: "maintainer" as const } };
    await updateContract(served, { name: "rel", text: body("c") });
    expect((await drain(s)).map((b) => [b.type, b.contract])).toEqual([
      ["contract.revised", { name: "rel", revision: 1, previousRevision: null, createdBy: "local" }],
      ["contract.revised", { name: "rel", revision: 2, previousRevision: 1, createdBy: "local" }],
      ["contract.revised", { name: "rel", revision: 3, previousRevision: 2, createdBy: "local" }],
      ["contract.revised", { name: "rel", revision: 4, previousRevision: 3, createdBy: "token:secops" }],
    ]);
    await createWorkflow(s.app, { name: "deploy", project: "skynet", contract: "rel" });
    expect(await types(s)).toEqual([]); // a workflow using a stored contract adds no revision
  });

  test("the delivery is part of the event's transaction: when enqueueing fails, the event is not committed either", async () => {
    const runId = await startRun(s, "build", "skynet");
    await drain(s);
    const failing: WebhookRepo = Object.create(s.app.webhooks, { enqueue: { value: () => { throw new Error("disk full"); } } });
    const broken: ServiceDeps = { ...s.app, webhooks: failing };
    expect(() => resetAttestation(broken, { trigger: "failure" })).toThrow("disk full");
    expect((await s.app.repo.getRun(runId))!.state).toBe("initialized");
    expect(() => createContract(broken, { name: "never" })).toThrow("disk full");
    expect(await s.app.repo.findContractByName((await s.app.repo.findOrg("default"))!.id, "never")).toBeUndefined();
    expect(await types(s)).toEqual([]);
  });
});
