// Export/import of the SLSA provenance stored beside an attestation: carried byte for byte, verified to accompany it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, type KeyObject } from "node:crypto";
import { join } from "node:path";
import { serializeStatement, type Statement } from "../../crafter/statement.ts";
import { generateKeyPair } from "../../signing/keys.ts";
import { signStatement } from "../../signing/sign.ts";
import { expectCode } from "../../test-helpers.ts";
import { discover } from "../control/discover.ts";
import { counts } from "../control/ingest.testutil.ts";
import { testStore, type TestStore } from "../control/runs.testutil.ts";
import type { PushResult } from "../crafting/push.ts";
import { runProvenance } from "../crafting/record-provenance.ts";
import { pushArtifact } from "../verify-artifact/verify.testutil.ts";
import { exportEvidence } from "./export.ts";
import { importEvidence } from "./import.ts";
import { readTar, rewriteTar, type TarEntry } from "./tar.testutil.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const entryName = (digest: string) => `attestations/${digest.slice(7)}.json`;

const a = await testStore();
const stores: TestStore[] = [a];
let build: PushResult;
let release: PushResult;
let tarPath = "";

beforeAll(async () => {
  build = (await pushArtifact(a, "build", "app v1\n", undefined, true)).pushed;
  release = (await pushArtifact(a, "release", "app rel\n", undefined, true)).pushed;
  tarPath = join(a.dir, "evidence.tar");
  await exportEvidence(a.app, { output: "evidence.tar" });
});
afterAll(() => stores.forEach((s) => s.cleanup()));

async function fresh(): Promise<TestStore> {
  const s = await testStore();
  stores.push(s);
  return s;
}

interface RunJson {
  id: string;
  attestation: { digest: string };
  provenance?: { digest: string; createdAt: string };
}

/** Applies `edit` to the entries and runs.json, then lists every entry in the manifest again (only the claims differ). */
function edited(edit: (es: TarEntry[], runs: RunJson[]) => TarEntry[]) {
  return (es: TarEntry[]): TarEntry[] => {
    const runsEntry = es.find((e) => e.header.name === "runs.json")!;
    const runs = JSON.parse(runsEntry.body.toString()) as RunJson[];
    const out = edit(es, runs).map((e) => (e.header.name === "runs.json" ? { ...e, body: Buffer.from(JSON.stringify(runs)) } : e));
    const m = out.at(-1)!;
    const manifest = JSON.parse(m.body.toString()) as { entries: { name: string }[] };
    const old = new Map(manifest.entries.map((x) => [x.name, x]));
    manifest.entries = out.slice(0, -1).map((e) => ({ ...old.get(e.header.name), name: e.header.name, digest: sha(e.body), size: e.body.length }));
    return [...out.slice(0, -1), { ...m, body: Buffer.from(JSON.stringify(manifest)) }];
  };
}

/** The build run's provenance replaced by `make(its bytes)`, under the name of the new bytes and named so in runs.json. */
function replaced(make: (old: Buffer) => Buffer | Promise<Buffer>) {
  return async (es: TarEntry[]): Promise<TarEntry[]> => {
    const old = es.find((e) => e.header.name === entryName(build.provenance!.digest))!;
    const body = await make(old.body);
    return edited((entries, runs) => {
      runs.find((r) => r.id === build.runId)!.provenance!.digest = sha(body);
      return entries.map((e) => (e === old ? { header: { ...e.header, name: entryName(sha(body)) }, body } : e));
    })(es);
  };
}

/** The build run's provenance re-signed (by `key`, the test key by default) after `mutate`. */
function resigned(mutate: (st: Statement) => void, key: KeyObject = a.key.privateKey) {
  return replaced(async (old) => {
    const env = (JSON.parse(old.toString()) as { dsseEnvelope: { payload: string } }).dsseEnvelope;
    const st = JSON.parse(Buffer.from(env.payload, "base64").toString()) as Statement;
    mutate(st);
    return Buffer.from(await signStatement(serializeStatement(st), key));
  });
}

/** Written as `name`, imported into a fresh store: refused whole with `message`, nothing stored there. */
async function refused(name: string, edit: (es: TarEntry[]) => TarEntry[] | Promise<TarEntry[]>, message: RegExp | string, keys = [a.key.publicKey]) {
  const path = join(a.dir, name);
  const entries = await edit(await readTar(tarPath));
  await rewriteTar(tarPath, path, () => entries);
  const b = await fresh();
  const before = counts(b.app);
  const e = await expectCode(() => importEvidence(b.app, { file: path, trustedKeys: keys, allowUnsigned: true }), "VERIFY_FAILED");
  if (typeof message === "string") expect(e.message).toBe(`${message}; nothing was imported`);
  else expect(e.message).toMatch(message);
  expect(counts(b.app)).toEqual(before);
  expect(await b.app.repo.getRun(build.runId!)).toBeUndefined();
}

describe("export and import carry the SLSA provenance", () => {
  test("the export lists it in runs.json and carries its bytes; import stores it as the run's, linked both ways", async () => {
    const entries = await readTar(tarPath);
    const runs = JSON.parse(entries[0]!.body.toString()) as RunJson[];
    const exported = runs.find((r) => r.id === build.runId)!;
    expect(exported.provenance?.digest).toBe(build.provenance!.digest);
    expect(entries.find((e) => e.header.name === entryName(build.provenance!.digest))!.body).toEqual(Buffer.from(await a.app.blobs.read(build.provenance!.digest)));

    const b = await fresh();
    const r = await importEvidence(b.app, { file: tarPath, trustedKeys: [a.key.publicKey], allowUnsigned: true });
    expect(r.runs).toEqual({ imported: 2, alreadyPresent: 0 });
    const row = (await runProvenance(b.app, build.runId!))!;
    expect([row.digest, row.createdAt]).toEqual([build.provenance!.digest, exported.provenance!.createdAt]);
    expect(await b.app.blobs.read(row.digest)).toEqual(await a.app.blobs.read(row.digest));
    expect((await b.app.repo.getRun(build.runId!))!.attestationDigest).toBe(build.digest);
    expect((await discover(b.app, { digest: build.digest })).references.map((n) => n.digest)).toContain(row.digest);
    expect((await discover(b.app, { digest: row.digest })).references.map((n) => n.digest)).toContain(build.digest);
    expect((await discover(b.app, { digest: row.digest })).run?.id).toBe(build.runId!);
    const after = counts(b.app);
    expect((await importEvidence(b.app, { file: tarPath, trustedKeys: [a.key.publicKey], allowUnsigned: true })).runs).toEqual({ imported: 0, alreadyPresent: 2 });
    expect(counts(b.app)).toEqual(after);
  });

  test("an export written before provenance (no `provenance` in runs.json, no entry) still imports", async () => {
    const old = join(a.dir, "old.tar");
    const drop = new Set([entryName(build.provenance!.digest), entryName(release.provenance!.digest)]);
    await rewriteTar(tarPath, old, edited((es, runs) => (runs.forEach((r) => delete r.provenance), es.filter((e) => !drop.has(e.header.name)))));
    const b = await fresh();
    expect((await importEvidence(b.app, { file: old, trustedKeys: [a.key.publicKey], allowUnsigned: true })).runs.imported).toBe(2);
    expect(await b.app.repo.getRun(build.runId!)).toMatchObject({ state: "succeeded", attestationDigest: build.digest });
    expect((await runProvenance(b.app, build.runId!))).toBeUndefined();
    // Importing the current export then adds the provenance to the runs already here, once.
    const r = await importEvidence(b.app, { file: tarPath, trustedKeys: [a.key.publicKey], allowUnsigned: true });
    expect(r.runs).toEqual({ imported: 0, alreadyPresent: 2 });
    expect((await runProvenance(b.app, build.runId!))?.digest).toBe(build.provenance!.digest);
    expect((await discover(b.app, { digest: build.digest })).references.map((n) => n.digest)).toContain(build.provenance!.digest);
    const after = counts(b.app);
    await importEvidence(b.app, { file: tarPath, trustedKeys: [a.key.publicKey], allowUnsigned: true });
    expect(counts(b.app)).toEqual(after);
  });

  test("a run here with another provenance than the tar's is a conflict, nothing stored", async () => {
    const b = await fresh();
    await importEvidence(b.app, { file: tarPath, trustedKeys: [a.key.publicKey], allowUnsigned: true });
    const path = join(a.dir, "prov-diverged.tar");
    const entries = await resigned((st) => void ((st.predicate.runDetails as { metadata: { finishedOn: string } }).metadata.finishedOn = "2025-06-01T00:00:00.000Z"))(await readTar(tarPath));
    await rewriteTar(tarPath, path, () => entries);
    const before = counts(b.app);
    const e = await expectCode(() => importEvidence(b.app, { file: path, trustedKeys: [a.key.publicKey], allowUnsigned: true }), "ALREADY_EXISTS");
    expect(e.message).toMatch(new RegExp(`^runs\\.json \\[0\\]: workflow run ${build.runId} already has SLSA provenance ${build.provenance!.digest} here, not sha256:[0-9a-f]{64}; nothing was imported$`));
    expect(counts(b.app)).toEqual(before);
    expect((await runProvenance(b.app, build.runId!))?.digest).toBe(build.provenance!.digest);
  });
});

describe("import refuses the whole tar over its provenance, naming the entry", () => {
  const prov = () => entryName(build.provenance!.digest);

  test("a tampered provenance entry: by its name's digest, and renamed (runs.json and manifest too) by its signature", async () => {
    const flip = (b: Buffer) => Buffer.from(b.toString().replace(/"sig":"(.)/, (_, c) => `"sig":"${c === "A" ? "B" : "A"}`));
    await refused("prov-flipped.tar", (es) => es.map((e) => (e.header.name === prov() ? { ...e, body: flip(e.body) } : e)), new RegExp(`^${prov()}: content hashes to sha256:[0-9a-f]{64}, not the digest its name gives`));
    const payload = (b: Buffer) => Buffer.from(b.toString().replace(/"payload":"(.)/, (_, c) => `"payload":"${c === "e" ? "f" : "e"}`));
    for (const [n, edit] of [["sig", flip], ["payload", payload]] as const) {
      await refused(`prov-${n}.tar`, replaced(edit), /^attestations\/[0-9a-f]{64}\.json: signature mismatch: none of the 1 given key\(s\) verifies the bundle signature/);
    }
  });

  test("runs.json naming a provenance the tar lacks, or the run's own attestation as provenance", async () => {
    const missing = `sha256:${"ab".repeat(32)}`;
    await refused("prov-missing.tar", edited((es, runs) => ((runs.find((r) => r.id === build.runId)!.provenance!.digest = missing), es)), `${entryName(missing)}: is missing (runs.json [0] run ${build.runId} names it as its provenance)`);
    await refused("prov-dropped.tar", edited((es) => es.filter((e) => e.header.name !== prov())), `${prov()}: is missing (runs.json [0] run ${build.runId} names it as its provenance)`);
    await refused("prov-self.tar", edited((es, runs) => ((runs.find((r) => r.id === build.runId)!.provenance!.digest = build.digest), es)), `${entryName(build.digest)}: predicate type is "https://cairn.dev/attestation/v0.1", not SLSA provenance`);
    // The entry stays, named by no run.
    await refused("prov-unnamed.tar", edited((es, runs) => (runs.forEach((r) => delete r.provenance), es.filter((e) => e.header.name !== entryName(release.provenance!.digest)))), `${prov()}: belongs to no run in runs.json`);
  });

  test("a validly signed provenance naming another attestation, or with a foreign subject", async () => {
    const other = resigned((st) => void ((st.predicate.runDetails as { byproducts: { digest: { sha256: string } }[] }).byproducts[0]!.digest.sha256 = release.digest.slice(7)));
    await refused("prov-other.tar", other, new RegExp(`^attestations/[0-9a-f]{64}\\.json: the SLSA provenance names attestation ${release.digest} as its byproduct, not ${build.digest}`));
    // Another run's provenance, as this run's: it names the other attestation.
    await refused("prov-swapped.tar", edited((es, runs) => ((runs.find((r) => r.id === build.runId)!.provenance!.digest = release.provenance!.digest), es)), `${entryName(release.provenance!.digest)}: the SLSA provenance names attestation ${release.digest} as its byproduct, not ${build.digest}`);
    const foreign = resigned((st) => void st.subject.push({ name: "evil.bin", digest: { sha256: "cd".repeat(32) } }));
    await refused("prov-foreign.tar", foreign, new RegExp(`^attestations/[0-9a-f]{64}\\.json: SLSA provenance subject evil\\.bin \\(sha256:${"cd".repeat(32)}\\) is not a subject of attestation ${build.digest}`));
    const invalid = resigned((st) => void delete st.predicate.buildDefinition);
    await refused("prov-invalid.tar", invalid, /^attestations\/[0-9a-f]{64}\.json: is not valid SLSA provenance: predicate\.buildDefinition: required/);
  });

  test("a provenance signed by another key than the attestation's, though that key is trusted too", async () => {
    const other = generateKeyPair("ed25519");
    const keys = [a.key.publicKey, other.publicKey];
    await refused("prov-untrusted.tar", resigned(() => {}, generateKeyPair("ed25519").privateKey), /^attestations\/[0-9a-f]{64}\.json: signature mismatch/);
    await refused("prov-otherkey.tar", resigned(() => {}, other.privateKey), /^attestations\/[0-9a-f]{64}\.json: signed by key .*, but attestation sha256:[0-9a-f]{64} by key .*: sign both the same way/, keys);
  });
});
