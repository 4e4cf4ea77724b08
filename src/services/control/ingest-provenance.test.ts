import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, type KeyObject } from "node:crypto";
import { serializeStatement, type Statement } from "../../crafter/statement.ts";
import { policySummary } from "../../crafter/policy/attach.ts";
import type { ErrorCode } from "../../errors.ts";
import { generateKeyPair, keyId } from "../../signing/keys.ts";
import { signStatement, type SigningMethod } from "../../signing/sign.ts";
import { buildProvenance, SLSA_PROVENANCE_V1 } from "../../slsa/provenance.ts";
import { expectCode } from "../../test-helpers.ts";
import { runProvenance } from "../crafting/record-provenance.ts";
import type { ServiceDeps } from "../deps.ts";
import { discover } from "./discover.ts";
import { ingestBundle, type IngestOptions, type IngestResult } from "./ingest.ts";
import { counts, craft, editBundle, register, type BundleJson } from "./ingest.testutil.ts";
import { describeRun } from "./runs.ts";
import { initCa } from "../../ca/init.ts";
import { workflowIdentity } from "../../trust/identity.ts";
import { homeCaAuthorities } from "../crafting/home-keyless.ts";
import { testStore } from "./runs.testutil.ts";

const s = await testStore();
const app = s.app;
const other = { ...app, config: { ...app.config, organization: "other" } };
const second = generateKeyPair("ed25519");
afterAll(() => s.cleanup());
beforeAll(async () => {
  await register(app, "ci", s.key.publicKey);
  await register(app, "second", second.publicKey);
  await register(other, "ci", s.key.publicKey);
});

const CONTRACT = "schemaVersion: v1\nmaterials:\n  - {name: binary, type: ARTIFACT, output: true}\n";
const sha = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

interface Attested {
  runId: string;
  attestation: IngestResult;
  /** The run's output material (the provenance's subject). */
  binary: string;
  /** A signed provenance of the run (the stored attestation unless `attestationDigest`), after `mutate`. */
  provenance(o?: { key?: KeyObject | SigningMethod; finishedOn?: string; attestationDigest?: string; mutate?: (st: Statement) => void }): Promise<Uint8Array>;
}

/** A run with an output material, its attestation signed (the test key by default; after `mutate`) and stored in `deps`. */
async function attested(deps: ServiceDeps, content: string, mutate?: (st: Statement) => void, sign?: { key?: KeyObject | SigningMethod; edit?: (j: BundleJson) => void; opts?: IngestOptions }): Promise<Attested> {
  const c = await craft(s, deps, { binary: content }, { contract: s.file("c.yaml", CONTRACT) }, true);
  const state = deps.state.read();
  deps.state.remove();
  const bundle = await c.sign(sign?.key, mutate);
  const attestation = await ingestBundle(deps, sign?.edit ? editBundle(bundle, sign.edit) : bundle, sign?.opts);
  return {
    runId: c.runId,
    attestation,
    binary: c.materials[0]!,
    provenance: async (o = {}) => {
      const st = buildProvenance({ state, attestationDigest: o.attestationDigest ?? attestation.digest, builderVersion: deps.version, finishedOn: o.finishedOn ?? "2025-01-01T00:00:05.000Z" })!;
      o.mutate?.(st);
      return signStatement(serializeStatement(st), o.key ?? s.key.privateKey);
    },
  };
}

/** Refused with this code and a message matching `reason`, and nothing stored. */
async function refused(bytes: Uint8Array, code: ErrorCode, reason: RegExp | string, opts?: IngestOptions) {
  const before = counts(app);
  const e = await expectCode(() => ingestBundle(app, bytes, opts), code);
  if (typeof reason === "string") expect(e.message).toBe(reason);
  else expect(e.message).toMatch(reason);
  expect(counts(app)).toEqual(before);
  return e;
}

const notStored = (d: string) => `attestation ${d}, named by the SLSA provenance, is not stored in organization default`;

describe("ingest: SLSA provenance beside a stored attestation", () => {
  test("stored as the run's second attestation, linked both ways, described with the run", async () => {
    const a = await attested(app, "app v1\n");
    const bundle = await a.provenance();
    const before = counts(app);
    const r = await ingestBundle(app, bundle);
    expect(r).toEqual({ digest: sha(bundle), runId: a.runId, workflow: "build", project: "skynet", created: true, signer: { kind: "key", keyId: keyId(s.key.publicKey) } });
    expect(await app.blobs.read(r.digest)).toEqual(bundle);
    expect(await app.repo.findAttestation(r.digest)).toMatchObject({ runId: a.runId, predicateType: SLSA_PROVENANCE_V1, size: bundle.length });
    expect((await runProvenance(app, a.runId))?.digest).toBe(r.digest);
    const after = counts(app);
    expect([after.attestations, after.succeeded, after.blobs]).toEqual([before.attestations + 1, before.succeeded, before.blobs + 1]);
    // The run keeps its attestation; the provenance names it and is named by it; the artifact leads to both.
    expect((await app.repo.getRun(a.runId))!.attestationDigest).toBe(a.attestation.digest);
    expect((await discover(app, { digest: r.digest })).references.map((n) => n.digest)).toContain(a.attestation.digest);
    expect((await discover(app, { digest: a.attestation.digest })).references.map((n) => n.digest)).toContain(r.digest);
    expect((await discover(app, { digest: a.binary })).referredBy.map((n) => n.digest).sort()).toEqual([a.attestation.digest, r.digest].sort());
    expect((await discover(app, { digest: r.digest })).run?.id).toBe(a.runId);
    const d = await describeRun(app, { id: a.runId });
    expect([d.attestation?.digest, d.provenance?.digest]).toEqual([a.attestation.digest, r.digest]);
  });

  test("the identical re-push is created: false; a different provenance for the run is STATE_INVALID", async () => {
    const a = await attested(app, "app v2\n");
    const bundle = await a.provenance();
    const first = await ingestBundle(app, bundle);
    const after = counts(app);
    expect(await ingestBundle(app, bundle)).toEqual({ ...first, created: false });
    expect(counts(app)).toEqual(after);
    const e = await refused(await a.provenance({ finishedOn: "2025-01-01T00:09:00.000Z" }), "STATE_INVALID", `workflow run ${a.runId} already has SLSA provenance ${first.digest}`);
    expect(e.details).toEqual({ provenance: first.digest });
    expect((await runProvenance(app, a.runId))?.digest).toBe(first.digest);
  });

  test("a provenance of a blocked attestation is stored: it describes the attestation held", async () => {
    const gate = (st: Statement) =>
      void Object.assign(st.predicate, policySummary([{ policy: "banned-licenses", digest: `sha256:${"e".repeat(64)}`, material: "binary", inputs: {}, violations: [{ rule: "r", message: "m" }], gate: true }], false));
    const a = await attested(app, "app blocked\n", gate);
    expect((await app.repo.getRun(a.runId))!.state).toBe("blocked");
    const r = await ingestBundle(app, await a.provenance());
    expect(r.created).toBe(true);
    expect((await runProvenance(app, a.runId))?.digest).toBe(r.digest);
  });
});

describe("ingest refuses a provenance, storing nothing", () => {
  test("naming an attestation not stored, another organization's, or one out of the token's scope: the same NOT_FOUND", async () => {
    const a = await attested(app, "app nf\n");
    const absent = `sha256:${"ab".repeat(32)}`;
    const e = await refused(await a.provenance({ attestationDigest: absent }), "NOT_FOUND", notStored(absent));
    expect(e.hint).toBe("push the attestation first");
    const theirs = await attested(other, "app theirs\n");
    expect(await app.repo.findAttestation(theirs.attestation.digest)).toBeDefined(); // it exists, in organization other
    const foreign = await refused(await theirs.provenance(), "NOT_FOUND", notStored(theirs.attestation.digest));
    expect([foreign.hint, foreign.details]).toEqual([e.hint, e.details]);
    const scoped = await refused(await a.provenance(), "NOT_FOUND", notStored(a.attestation.digest), { scope: { workflowId: "someone-else" } });
    expect([scoped.hint, scoped.details]).toEqual([e.hint, e.details]);
    // A token scoped to the run's workflow may push it; a provenance is not an attestation another can accompany.
    const workflowId = (await app.repo.getRun(a.runId))!.workflowId;
    await refused(await a.provenance(), "NOT_FOUND", notStored(a.attestation.digest), { scope: { projectId: "someone-else" } });
    const stored = await ingestBundle(app, await a.provenance(), { scope: { workflowId } });
    expect(stored.created).toBe(true);
    await refused(await a.provenance({ attestationDigest: stored.digest }), "NOT_FOUND", notStored(stored.digest));
  });

  test("a subject not among the attestation's subjects, even beside a subject without sha256", async () => {
    const a = await attested(app, "app subj\n");
    const evil = { name: "evil.bin", digest: { sha256: "cd".repeat(32) } };
    await refused(await a.provenance({ mutate: (st) => void st.subject.push(evil) }), "VERIFY_FAILED", `SLSA provenance subject evil.bin (sha256:${"cd".repeat(32)}) is not a subject of attestation ${a.attestation.digest}`);
    await refused(await a.provenance({ mutate: (st) => void (st.subject = [evil]) }), "VERIFY_FAILED", /evil\.bin .* is not a subject of attestation/);
    // The attestation's git subject has no sha256: a subject without one is not thereby "one of its subjects".
    const git = await attested(app, "app git\n", (st) => void st.subject.push({ name: "git.head", digest: { sha1: "1".repeat(40) } }));
    await refused(await git.provenance({ mutate: (st) => void st.subject.push({ name: "evil.bin", digest: { sha512: "ef".repeat(64) } }) }), "VERIFY_FAILED", /evil\.bin .* is not a subject of attestation/);
    expect((await runProvenance(app, git.runId))).toBeUndefined();
  });

  test("a provenance that is not valid SLSA, or names no attestation", async () => {
    const a = await attested(app, "app schema\n");
    await refused(await a.provenance({ mutate: (st) => void delete st.predicate.buildDefinition }), "VERIFY_FAILED", /^the pushed SLSA provenance is not valid: predicate\.buildDefinition: required/);
    await refused(await a.provenance({ mutate: (st) => void (st.subject = []) }), "VERIFY_FAILED", /subject: must be a non-empty array/);
    const none = (st: Statement) => void ((st.predicate.runDetails as { byproducts: unknown[] }).byproducts = []);
    await refused(await a.provenance({ mutate: none }), "VERIFY_FAILED", /names no cairn attestation/);
    expect((await runProvenance(app, a.runId))).toBeUndefined();
  });

  test("signed by another registered key than the attestation's, or by an unregistered key", async () => {
    const a = await attested(app, "app key\n");
    await refused(await a.provenance({ key: second.privateKey }), "VERIFY_FAILED", `the SLSA provenance is signed by key ${keyId(second.publicKey)}, but attestation ${a.attestation.digest} by ${keyId(s.key.publicKey)}: sign both the same way`);
    await refused(await a.provenance({ key: generateKeyPair("ed25519").privateKey }), "VERIFY_FAILED", /signed by a key not registered in organization default/);
    expect((await runProvenance(app, a.runId))).toBeUndefined();
    expect((await ingestBundle(app, await a.provenance())).created).toBe(true); // the attestation's own key is fine
  });

  test("the stored key hint is not proof: a key that did not sign the attestation is refused though the hint names it", async () => {
    const third = generateKeyPair("ed25519");
    // Signed by the test key with a hint naming a key not yet registered: every live key is tried, the test key verifies.
    const a = await attested(app, "app hint\n", undefined, { edit: (j) => void (j.verificationMaterial.publicKey.hint = keyId(third.publicKey)) });
    await register(app, "third", third.publicKey);
    await refused(await a.provenance({ key: third.privateKey }), "VERIFY_FAILED", `the SLSA provenance is signed by key ${keyId(third.publicKey)}, but attestation ${a.attestation.digest} by another key: sign both the same way`);
    expect((await ingestBundle(app, await a.provenance())).created).toBe(true); // its real signer is fine
  });
});

describe("ingest: a certificate-signed provenance (the home CA, the run's workflow identity)", () => {
  const issuer = "https://cairn.test";
  const opts = { issuer };
  const keyless = async (): Promise<SigningMethod> =>
    homeCaAuthorities(app.config, { now: () => new Date() }, workflowIdentity(issuer, "default", "skynet", "build"), issuer);
  beforeAll(() => initCa(app.config.home, { now: new Date(Date.now() - 3_600_000) }));

  test("beside a certificate-signed attestation it is stored; a key-signed provenance is refused", async () => {
    const a = await attested(app, "app keyless\n", undefined, { key: await keyless(), opts });
    expect(a.attestation.signer.kind).toBe("certificate");
    await refused(await a.provenance(), "VERIFY_FAILED", `the SLSA provenance is signed by key ${keyId(s.key.publicKey)}, but attestation ${a.attestation.digest} by a certificate: sign both the same way`, opts);
    const r = await ingestBundle(app, await a.provenance({ key: await keyless() }), opts);
    expect([r.created, r.signer.kind]).toEqual([true, "certificate"]);
  });

  test("beside a key-signed attestation it is refused, though its identity may push to the run", async () => {
    const a = await attested(app, "app keyed\n");
    await refused(await a.provenance({ key: await keyless() }), "VERIFY_FAILED", `the SLSA provenance is signed by a certificate, but attestation ${a.attestation.digest} by ${keyId(s.key.publicKey)}: sign both the same way`, opts);
    expect((await runProvenance(app, a.runId))).toBeUndefined();
  });
});
