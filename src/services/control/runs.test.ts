import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { storeDb } from "../../test-helpers.ts";
import { createHash } from "node:crypto";
import { pae } from "../../signing/pae.ts";
import { generateKeyPair, keyId } from "../../signing/keys.ts";
import { expectCode } from "../../test-helpers.ts";
import type { PushResult } from "../crafting/push.ts";
import { runClosedReason } from "../crafting/record.ts";
import { describeRun, listRuns, runAttestation } from "./runs.ts";
import { pushGated, pushRun, startRun, testStore } from "./runs.testutil.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

describe("workflow runs", async () => {
  const s = await testStore();
  let build: PushResult;
  let test2: PushResult;
  let openRun = "";

  beforeAll(async () => {
    s.file("app.bin", "the app\n");
    build = await pushRun(s, "build", "skynet", [
      { name: "binary", kind: "ARTIFACT", value: "app.bin" },
      { name: "ref", kind: "STRING", value: "v1.2.3" },
    ]);
    test2 = await pushRun(s, "test", "skynet", []);
    await pushRun(s, "build", "other", []);
    openRun = await startRun(s, "build", "skynet");
  });
  afterAll(() => s.cleanup());

  test("list: newest first with names, state, revisions and attestation digest", async () => {
    const page = await listRuns(s.app, {});
    expect(page.next).toBeUndefined();
    expect(page.items.map((r) => [r.workflow, r.project, r.state])).toEqual([
      ["build", "skynet", "initialized"],
      ["build", "other", "succeeded"],
      ["test", "skynet", "succeeded"],
      ["build", "skynet", "succeeded"],
    ]);
    const first = page.items[3]!;
    expect(first).toMatchObject({ id: build.runId, attestationDigest: build.digest, contractRevisionUsed: 1, contractRevisionLatest: 1 });
    expect(first.createdAt).toBe("2025-01-01T00:00:00.000Z");
    expect(first.finishedAt).toBe("2025-01-01T00:00:00.000Z");
    expect(page.items[0]).toMatchObject({ id: openRun, attestationDigest: null, finishedAt: null });
  });

  test("list filters by workflow, project and status", async () => {
    expect((await listRuns(s.app, { workflow: "build" })).items).toHaveLength(3);
    expect((await listRuns(s.app, { workflow: "build", project: "skynet" })).items.map((r) => r.id)).toEqual([openRun, build.runId!]);
    expect((await listRuns(s.app, { project: "skynet", status: "succeeded" })).items.map((r) => r.id)).toEqual([test2.runId!, build.runId!]);
    expect((await listRuns(s.app, { status: "expired" })).items).toEqual([]);
    expect((await listRuns(s.app, { workflow: "nope" })).items).toEqual([]);
  });

  test("keyset pages cover every run once, also across runs created in the same millisecond", async () => {
    const wf = (await s.app.repo.findWorkflow((await s.app.repo.findOrg("default"))!.id, "skynet", "test"))!;
    const at = "2025-06-01T00:00:00.000Z";
    for (let i = 0; i < 5; i++) {
      await s.app.repo.createRun({ id: `tie-${i}`, orgId: wf.orgId, workflowId: wf.id, runnerType: "x", runnerUrl: null, contractRevisionUsed: 1, contractRevisionLatest: 1, createdAt: at });
    }
    const all = (await listRuns(s.app, { limit: 1000 })).items.map((r) => r.id);
    expect(all.slice(0, 5)).toEqual(["tie-0", "tie-1", "tie-2", "tie-3", "tie-4"]);
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await listRuns(s.app, { limit: 2, next });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((r) => r.id));
      next = page.next;
    } while (next);
    expect(seen).toEqual(all);
    expect(seen).toHaveLength(9);
  });

  test("bad status, limit or cursor is a usage error", async () => {
    await expectCode(() => listRuns(s.app, { status: "running" }), "USAGE");
    await expectCode(() => listRuns(s.app, { limit: 0 }), "USAGE");
    await expectCode(() => listRuns(s.app, { next: "garbage" }), "USAGE");
    await expectCode(() => listRuns(s.app, { next: Buffer.from("[1,2]").toString("base64url") }), "USAGE");
  });

  test("describe by id and by digest: the run, statement, subjects and materials", async () => {
    const byId = await describeRun(s.app, { id: build.runId });
    const byDigest = await describeRun(s.app, { digest: build.digest });
    expect(byDigest).toEqual(byId);
    expect(byId.run.id).toBe(build.runId!);
    expect(byId.attestation!.digest).toBe(build.digest);
    expect(byId.attestation!.predicateType).toBe("https://cairn.dev/attestation/v0.1");
    expect(byId.attestation!.statement).toEqual(JSON.parse(JSON.stringify(build.statement)));
    expect(byId.attestation!.materials).toEqual([
      { name: "binary", kind: "ARTIFACT", value: "app.bin", digest: sha("the app\n"), annotations: { "cairn.material.cas": "true", "cairn.material.size": "8" } },
      { name: "ref", kind: "STRING", value: "v1.2.3", digest: sha("v1.2.3"), annotations: {} },
    ]);
    expect(byId.verification).toBeUndefined();
  });

  test("the stored bundle hashes to the digest; its PAE is what the signature covers", async () => {
    const a = await runAttestation(s.app, { id: build.runId });
    expect(sha(a.bundle)).toBe(build.digest);
    const env = JSON.parse(new TextDecoder().decode(a.bundle)).dsseEnvelope;
    const paeBytes = pae(a.payloadType, a.payload);
    expect(new TextDecoder().decode(paeBytes)).toStartWith(`DSSEv1 28 application/vnd.in-toto+json ${a.payload.length} {`);
    const { verify } = await import("node:crypto");
    expect(verify(null, paeBytes, s.key.publicKey, Buffer.from(env.signatures[0].sig, "base64"))).toBe(true);
  });

  test("--verify: the signer's key verifies, another key fails", async () => {
    const ok = await describeRun(s.app, { digest: build.digest }, { keys: [s.key.publicKey], roots: [] });
    const id = keyId(s.key.publicKey);
    expect(ok.verification).toEqual({ verified: true, signer: { kind: "key", keyId: id }, keyId: id, timestamps: [] });
    await expectCode(() => describeRun(s.app, { id: build.runId }, { keys: [generateKeyPair("ed25519").publicKey], roots: [] }), "VERIFY_FAILED");
    await expectCode(() => runAttestation(s.app, { id: build.runId }, { keys: [generateKeyPair("ecdsa-p256").publicKey], roots: [] }), "VERIFY_FAILED");
  });

  test("a run without attestation describes, but has no bundle to print or verify", async () => {
    const d = await describeRun(s.app, { id: openRun });
    expect(d.attestation).toBeUndefined();
    expect(d.run.state).toBe("initialized");
    await expectCode(() => runAttestation(s.app, { id: openRun }), "NOT_FOUND");
    await expectCode(() => describeRun(s.app, { id: openRun }, { keys: [s.key.publicKey], roots: [] }), "NOT_FOUND");
  });

  test("unknown run or digest is NOT_FOUND; neither or both selectors, or a bad digest, is USAGE", async () => {
    await expectCode(() => describeRun(s.app, { id: "no-such-run" }), "NOT_FOUND");
    await expectCode(() => describeRun(s.app, { digest: sha("nothing") }), "NOT_FOUND");
    await expectCode(() => describeRun(s.app, {}), "USAGE");
    await expectCode(() => describeRun(s.app, { id: build.runId, digest: build.digest }), "USAGE");
    await expectCode(() => describeRun(s.app, { digest: "sha256:XYZ" }), "USAGE");
  });

  test("a corrupted stored bundle is refused (INTEGRITY), not shown", async () => {
    const path = s.app.blobs.pathFor!(test2.digest);
    const bytes = await Bun.file(path).bytes();
    bytes[10]! ^= 1;
    await Bun.write(path, bytes);
    await expectCode(() => describeRun(s.app, { id: test2.runId }), "INTEGRITY");
  });
});

describe("run state blocked and policy status", async () => {
  const s = await testStore();
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    ids.blocked = await pushGated(s, "scan", "skynet", "banned");
    ids.bypassed = await pushGated(s, "scan", "skynet", "banned", true);
    ids.passed = await pushGated(s, "scan", "skynet", "clean");
    ids.none = (await pushRun(s, "build", "skynet", [])).runId!;
    ids.legacy = (await pushRun(s, "build", "skynet", [])).runId!;
    ids.other = await pushGated(s, "scan", "orbit", "banned");
    ids.open = await startRun(s, "build", "skynet");
    // an attestation recorded before migration 011: its verdict was never stored
    storeDb(s.app).query("UPDATE workflow_runs SET policy_status = NULL WHERE id = ?").run(ids.legacy);
  });
  afterAll(() => s.cleanup());

  const byId = async () => new Map((await listRuns(s.app, { limit: 100 })).items.map((r) => [r.id, r]));

  test("a blocked push is state blocked; every attested run shows its verdict, `unknown` when none was stored", async () => {
    const runs = await byId();
    const shown = (id: string) => [runs.get(id)!.state, runs.get(id)!.policyStatus, runs.get(id)!.pushedBy];
    expect(shown(ids.blocked!)).toEqual(["blocked", "blocked", "local"]);
    expect(shown(ids.bypassed!)).toEqual(["succeeded", "bypassed", "local"]);
    expect(shown(ids.passed!)).toEqual(["succeeded", "passed", "local"]);
    expect(shown(ids.none!)).toEqual(["succeeded", "none", "local"]);
    expect(shown(ids.legacy!)).toEqual(["succeeded", "unknown", "local"]);
    expect(shown(ids.open!)).toEqual(["initialized", null, null]);
    expect(runs.get(ids.blocked!)!.attestationDigest).toMatch(/^sha256:/);
  });

  test("--status blocked and --policy-status filter, alone and together, with project and workflow", async () => {
    const list = async (i: Parameters<typeof listRuns>[1]) => (await listRuns(s.app, i)).items.map((r) => r.id);
    expect(await list({ status: "blocked" })).toEqual([ids.other!, ids.blocked!]);
    expect(await list({ status: "blocked", project: "skynet" })).toEqual([ids.blocked!]);
    expect(await list({ policyStatus: "blocked" })).toEqual([ids.other!, ids.blocked!]);
    expect(await list({ policyStatus: "bypassed" })).toEqual([ids.bypassed!]);
    expect(await list({ policyStatus: "passed", workflow: "scan", project: "skynet" })).toEqual([ids.passed!]);
    expect(await list({ policyStatus: "none" })).toEqual([ids.none!]); // not the legacy run, not the open one
    expect(await list({ policyStatus: "blocked", status: "succeeded" })).toEqual([]);
    expect(await list({ policyStatus: "violations" })).toEqual([]);
    const scoped = { projectId: (await s.app.repo.findWorkflow((await s.app.repo.findOrg("default"))!.id, "orbit", "scan"))!.projectId };
    expect(await list({ policyStatus: "blocked", scope: scoped })).toEqual([ids.other!]);
  });

  test("a bad --policy-status names the flag and lists the values", async () => {
    const e = await expectCode(() => listRuns(s.app, { policyStatus: "green" }), "USAGE");
    expect(e.message).toBe(`--policy-status "green" is not a policy status`);
    expect(e.hint).toBe("use one of passed, violations, blocked, bypassed, none");
  });

  test("a blocked run describes with its attestation (it has one) and is closed to another push", async () => {
    const d = await describeRun(s.app, { id: ids.blocked });
    expect(d.run).toMatchObject({ state: "blocked", policyStatus: "blocked", reason: "blocked: 1 gated policy violation" });
    expect(d.attestation!.statement).toMatchObject({ predicate: { policyBlocked: true } });
    expect((await runAttestation(s.app, { id: ids.blocked })).digest).toBe(d.run.attestationDigest!);
    expect(runClosedReason(d.run)).toBe("is already blocked");
  });
});
