import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { generateKeyPair, keyId } from "../../signing/keys.ts";
import { expectCode } from "../../test-helpers.ts";
import { initAttestation } from "../crafting/init.ts";
import { policySummary } from "../../crafter/policy/attach.ts";
import type { Statement } from "../../crafter/statement.ts";
import { pushAttestation } from "../crafting/push.ts";
import { discover } from "./discover.ts";
import { ingestBundle } from "./ingest.ts";
import { counts, craft, editBundle, register } from "./ingest.testutil.ts";
import { testStore } from "./runs.testutil.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** The predicate's policy block as push writes it for one gated violation (bypassed or not). */
const gated = (bypass: boolean) => (st: Statement) =>
  void Object.assign(st.predicate, policySummary([{ policy: "banned-licenses", digest: `sha256:${"e".repeat(64)}`, material: "binary", inputs: {}, violations: [{ rule: "r", message: "m" }], gate: true }], bypass));

describe("ingest: a bundle signed by a registered key is stored as local push stores it", async () => {
  const s = await testStore();
  const app = s.app;
  afterAll(() => s.cleanup());
  beforeAll(() => register(app, "ci", s.key.publicKey));

  test("stored under the sha256 of the exact bytes, the run succeeded, the graph discoverable", async () => {
    const c = await craft(s, app, { binary: "app v1\n" });
    const bundle = await c.sign();
    const before = counts(app);
    const r = await ingestBundle(app, bundle);
    expect(r).toEqual({ digest: sha(bundle), runId: c.runId, workflow: "build", project: "skynet", created: true, signer: { kind: "key", keyId: keyId(s.key.publicKey) } });
    expect(await app.blobs.read(r.digest)).toEqual(bundle);
    const run = (await app.repo.getRun(c.runId))!;
    expect([run.state, run.attestationDigest]).toEqual(["succeeded", r.digest]);
    expect(await app.repo.findAttestation(r.digest)).toMatchObject({ runId: c.runId, predicateType: "https://cairn.dev/attestation/v0.1", size: bundle.length });
    expect(counts(app)).toEqual({ ...before, attestations: before.attestations + 1, succeeded: before.succeeded + 1, referrers: before.referrers + 2, blobs: before.blobs + 1 });

    const node = await discover(app, { digest: r.digest });
    expect([node.kind, node.run?.id, node.metadata.workflow]).toEqual(["ATTESTATION", c.runId, "build"]);
    expect(node.references.map((n) => [n.kind, n.digest, n.downloadable])).toEqual([["ARTIFACT", c.materials[0]!, true]]);
    expect((await discover(app, { digest: c.materials[0]! })).referredBy.map((n) => n.digest)).toEqual([r.digest]);
  });

  test("re-pushing the identical bundle returns the stored attestation; a different bundle for the run is refused", async () => {
    const c = await craft(s, app, { binary: "app v2\n" });
    const bundle = await c.sign();
    const first = await ingestBundle(app, bundle);
    const after = counts(app);
    expect(await ingestBundle(app, bundle)).toEqual({ ...first, created: false });
    expect(counts(app)).toEqual(after);

    const again = await c.sign(s.key.privateKey, (st) => void (st.predicate.annotations = { note: "changed" }));
    const e = await expectCode(() => ingestBundle(app, again), "STATE_INVALID");
    expect(e.message).toBe(`workflow run ${c.runId} is already succeeded with attestation ${first.digest}`);
    expect(e.hint).toContain("one attestation");
    expect(counts(app)).toEqual(after);
  });

  test("a blocked bundle: stored, the run blocked with its policy status; the identical re-push is still created: false", async () => {
    const c = await craft(s, app, { binary: "app blocked\n" });
    const bundle = await c.sign(undefined, gated(false));
    const first = await ingestBundle(app, bundle);
    expect(first.created).toBe(true);
    expect(await app.repo.getRun(c.runId)).toMatchObject({ state: "blocked", reason: "blocked: 1 gated policy violation", policyStatus: "blocked", attestationDigest: first.digest });
    const after = counts(app);
    expect(await ingestBundle(app, bundle)).toEqual({ ...first, created: false });
    expect(counts(app)).toEqual(after);
    const other = await c.sign(undefined, (st) => (gated(false)(st), void (st.predicate.annotations = { note: "changed" })));
    const e = await expectCode(() => ingestBundle(app, other), "STATE_INVALID");
    expect(e.message).toBe(`workflow run ${c.runId} is already blocked with attestation ${first.digest}`);
  });

  test("policy statuses stored from the predicate: bypassed, none; pushedBy is who pushed (`local` here: these deps speak for no token)", async () => {
    const bypassed = await craft(s, app, { binary: "app bypassed\n" });
    await ingestBundle(app, await bypassed.sign(undefined, gated(true)));
    expect(await app.repo.getRun(bypassed.runId)).toMatchObject({ state: "succeeded", policyStatus: "bypassed", pushedBy: "local" });
    const plain = await craft(s, app, { binary: "app plain\n" });
    await ingestBundle(app, await plain.sign());
    expect(await app.repo.getRun(plain.runId)).toMatchObject({ state: "succeeded", policyStatus: "none", pushedBy: "local" });
  });

  test("concurrent pushes of one bundle: one stores it, the other gets the idempotent answer", async () => {
    const c = await craft(s, app, { binary: "app v3\n" });
    const bundle = await c.sign();
    const before = counts(app);
    const results = await Promise.all([ingestBundle(app, bundle), ingestBundle(app, bundle)]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(counts(app).attestations).toBe(before.attestations + 1);
  });

  test("a bundle pushed locally is the same attestation when pushed again to the server", async () => {
    const st = await initAttestation(app, { workflow: "build", project: "skynet", dryRun: false, replace: true });
    const local = await pushAttestation(app, { loadSigning: async () => ({ key: s.key.privateKey }), annotations: {} });
    const bytes = await app.blobs.read(local.digest);
    expect(await ingestBundle(app, bytes)).toEqual({ digest: local.digest, runId: st.workflow.runId!, workflow: "build", project: "skynet", created: false, signer: { kind: "key", keyId: keyId(s.key.publicKey) } });
  });

  test("ECDSA P-256 keys verify too; the unauthenticated hint only picks the key to try", async () => {
    const ec = generateKeyPair("ecdsa-p256");
    await register(app, "ec", ec.publicKey);
    const c = await craft(s, app, { binary: "ec\n" });
    const bundle = editBundle(await c.sign(ec.privateKey), (j) => void (j.verificationMaterial.publicKey.hint = "not-a-key-id"));
    expect((await ingestBundle(app, bundle)).created).toBe(true);
  });

  test("a push with --release releases the project version", async () => {
    const c = await craft(s, app, { binary: "rel\n" }, { version: "1.0.0", release: true });
    const org = (await app.repo.findOrg("default"))!;
    expect((await app.repo.findProjectVersion(org.id, "skynet", "1.0.0"))!.prerelease).toBe(true);
    await ingestBundle(app, await c.sign());
    expect((await app.repo.findProjectVersion(org.id, "skynet", "1.0.0"))!.prerelease).toBe(false);
  });
});
