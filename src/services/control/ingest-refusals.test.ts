import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { ErrorCode } from "../../errors.ts";
import { generateKeyPair } from "../../signing/keys.ts";
import { expectCode } from "../../test-helpers.ts";
import { resetAttestation } from "../crafting/reset.ts";
import { ingestBundle, type IngestOptions } from "./ingest.ts";
import { counts, craft, editBundle, register } from "./ingest.testutil.ts";
import { removeOrgKey } from "./org-keys.ts";
import { testStore } from "./runs.testutil.ts";

const s = await testStore();
const app = s.app;
const other = { ...app, config: { ...app.config, organization: "other" } };
afterAll(() => s.cleanup());
beforeAll(() => register(app, "ci", s.key.publicKey));

/** Refused with this code and a message matching `reason`, and nothing stored. */
async function refused(bytes: Uint8Array, code: ErrorCode, reason: RegExp, opts?: IngestOptions) {
  const before = counts(app);
  const e = await expectCode(() => ingestBundle(app, bytes, opts), code);
  expect(e.message).toMatch(reason);
  expect(counts(app)).toEqual(before);
  return e;
}

describe("ingest refuses, with its reason, and stores nothing", () => {
  test("malformed input: not JSON, not a bundle, not v0.3, not DSSE", async () => {
    const enc = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));
    await refused(enc("{nope"), "VERIFY_FAILED", /the pushed bundle is not valid JSON/);
    await refused(enc([1]), "VERIFY_FAILED", /not a JSON object/);
    await refused(enc({ mediaType: "x" }), "VERIFY_FAILED", /not a valid Sigstore bundle/);
    const good = await (await craft(s, app, {})).sign();
    const v02 = editBundle(good, (j) => void (j.mediaType = "application/vnd.dev.sigstore.bundle+json;version=0.2"));
    await refused(v02, "VERIFY_FAILED", /media type is .*version=0\.2, expected application\/vnd\.dev\.sigstore\.bundle\.v0\.3\+json/);
  });

  test("a key not registered in the organization, with a hint to register it", async () => {
    const c = await craft(s, app, { binary: "x\n" });
    const e = await refused(await c.sign(generateKeyPair("ed25519").privateKey), "VERIFY_FAILED", /signed by a key not registered in organization default/);
    expect(e.hint).toContain("cairn org key add");
    expect((await app.repo.getRun(c.runId))!.state).toBe("initialized");
  });

  test("a removed key no longer verifies new pushes", async () => {
    const temp = generateKeyPair("ecdsa-p256");
    await register(app, "temp", temp.publicKey);
    const c = await craft(s, app, { binary: "y\n" });
    const bundle = await c.sign(temp.privateKey);
    await removeOrgKey(app, { name: "temp" });
    await refused(bundle, "VERIFY_FAILED", /not registered in organization default/);
  });

  test("a tampered payload or signature", async () => {
    const c = await craft(s, app, { binary: "z\n" });
    const bundle = await c.sign();
    const payload = editBundle(bundle, (j) => {
      const st = JSON.parse(Buffer.from(j.dsseEnvelope.payload, "base64").toString());
      st.predicate.metadata.project = "evil";
      j.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString("base64");
    });
    await refused(payload, "VERIFY_FAILED", /does not verify with key ci of organization default/);
    const sig = editBundle(bundle, (j) => {
      const b = Buffer.from(j.dsseEnvelope.signatures[0]!.sig, "base64");
      b[5] = b[5]! ^ 1;
      j.dsseEnvelope.signatures[0]!.sig = b.toString("base64");
    });
    await refused(sig, "VERIFY_FAILED", /does not verify with key ci/);
    expect((await ingestBundle(app, bundle)).created).toBe(true); // the original is fine
  });

  test("a wrong predicate type, a predicate that breaks the schema, a statement without subjects", async () => {
    const c = await craft(s, app, { binary: "p\n" });
    await refused(await c.sign(undefined, (st) => void (st.predicateType = "https://example.com/other/v1")), "VERIFY_FAILED", /predicate type is "https:\/\/example\.com\/other\/v1", expected https:\/\/cairn\.dev\/attestation\/v0\.1/);
    // A SLSA predicate is taken as provenance beside a stored attestation, and must be valid SLSA v1 first.
    await refused(await c.sign(undefined, (st) => void (st.predicateType = "https://slsa.dev/provenance/v1")), "VERIFY_FAILED", /^the pushed SLSA provenance is not valid: predicate\.buildDefinition: required/);
    await refused(await c.sign(undefined, (st) => void delete st.predicate.builder), "VERIFY_FAILED", /does not match the cairn attestation schema: predicate must have required property 'builder'/);
    await refused(
      await c.sign(undefined, (st) => void ((st.predicate.metadata as Record<string, unknown>).finishedAt = "yesterday")),
      "VERIFY_FAILED",
      /predicate\.metadata\.finishedAt must match format "date-time"/,
    );
    await refused(await c.sign(undefined, (st) => void (st.subject = [])), "VERIFY_FAILED", /statement has no subject/);
    await refused(await c.sign(undefined, (st) => void ((st as { _type: string })._type = "https://in-toto.io/Statement/v0.1")), "VERIFY_FAILED", /_type/);
  });

  test("metadata that does not describe the run it names", async () => {
    const c = await craft(s, app, { binary: "m\n" });
    await refused(await c.sign(undefined, (st) => void ((st.predicate.metadata as Record<string, unknown>).workflowName = "deploy")), "VERIFY_FAILED", /metadata\.workflowName is "deploy", but workflow run .* has "build"/);
    const other = `sha256:${"0".repeat(64)}`;
    await refused(await c.sign(undefined, (st) => void ((st.predicate.metadata as Record<string, unknown>).contractDigest = other)), "VERIFY_FAILED", /metadata\.contractDigest is "sha256:0{64}", but revision 1 of contract .*, which workflow run .* uses, hashes to sha256:[0-9a-f]{64}/);
  });

  test("an unknown run, another organization's run, a run outside the token's scope", async () => {
    const c = await craft(s, app, { binary: "u\n" });
    const unknown = await c.sign(undefined, (st) => void ((st.predicate.metadata as Record<string, unknown>).workflowRunID = crypto.randomUUID()));
    await refused(unknown, "NOT_FOUND", /workflow run .* \(predicate\.metadata\.workflowRunID\) does not exist in organization default/);
    await register(other, "ci", s.key.publicKey);
    const theirs = await craft(s, other, { binary: "o\n" });
    const e = await refused(await theirs.sign(), "NOT_FOUND", new RegExp(`workflow run ${theirs.runId} .* does not exist in organization default`));
    expect(e.message).not.toContain("other");
    await refused(await c.sign(), "NOT_FOUND", /does not exist/, { scope: { workflowId: "someone-else" } });
  });

  test("an expired run, a failed run, a dry run", async () => {
    const c = await craft(s, app, { binary: "e\n" });
    const bundle = await c.sign();
    s.advance(2 * 3_600_000); // past the 1h run TTL
    const e = await refused(bundle, "STATE_INVALID", /expired before it was pushed \(expired after 1h\)/);
    expect(e.hint).toContain("attestation init");
    expect((await app.repo.getRun(c.runId))!.state).toBe("expired");

    const failed = await craft(s, app, { binary: "f\n" }, {}, true);
    const b2 = await failed.sign();
    await resetAttestation(app, { trigger: "failure", reason: "tests failed" });
    await refused(b2, "STATE_INVALID", new RegExp(`workflow run ${failed.runId} is already failed`));

    const dry = await craft(s, app, { binary: "d\n" }, { dryRun: true });
    await refused(await dry.sign(), "VERIFY_FAILED", /is a dry run/);
  });

  test("a material marked as uploaded that is not in the CAS, listing the missing digests", async () => {
    const c = await craft(s, app, { one: "first\n", two: "second\n", three: "third\n" });
    const bundle = await c.sign();
    for (const d of [c.materials[0]!, c.materials[2]!]) rmSync(app.blobs.pathFor!(d));
    const e = await refused(bundle, "VERIFY_FAILED", /materials marked as uploaded are not in the CAS: sha256:/);
    expect((e.details as { missing: string[] }).missing.sort()).toEqual([c.materials[0]!, c.materials[2]!].sort());
    expect(e.message).not.toContain(c.materials[1]!);
  });
});
