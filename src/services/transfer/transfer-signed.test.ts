// The signed manifest and the binding of runs.json and contract bodies to the signed statements.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { generateKeyPair } from "../../signing/keys.ts";
import { expectCode } from "../../test-helpers.ts";
import { counts } from "../control/ingest.testutil.ts";
import { pushRun, startRun, testStore } from "../control/runs.testutil.ts";
import { addMaterial } from "../crafting/add.ts";
import { pushAttestation } from "../crafting/push.ts";
import { exportEvidence } from "./export.ts";
import { importEvidence } from "./import.ts";
import { readTar, rewriteTar, type TarEntry } from "./tar.testutil.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const a = await testStore();
let signed = "";
let unsigned = "";

beforeAll(async () => {
  a.file("app.bin", "the application binary\n");
  await pushRun(a, "build", "skynet", [{ name: "binary", kind: "ARTIFACT", value: "app.bin" }]);
  signed = join(a.dir, "signed.tar");
  unsigned = join(a.dir, "unsigned.tar");
  await exportEvidence(a.app, { output: "signed.tar", sign: { key: a.key.privateKey } });
  await exportEvidence(a.app, { output: "unsigned.tar" });
});
afterAll(() => a.cleanup());

/** A fresh store B per case, so every refusal is checked against an empty store that stays empty. */
async function intoFresh<T>(fn: (b: Awaited<ReturnType<typeof testStore>>) => Promise<T>): Promise<T> {
  const b = await testStore();
  try {
    return await fn(b);
  } finally {
    b.cleanup();
  }
}

/** runs.json [0] edited, the manifest recomputed to match (what a forger with the file but no key can do). */
function forgeRun(edit: (run: Record<string, unknown>) => void, also: (es: TarEntry[]) => TarEntry[] = (es) => es) {
  return (entries: TarEntry[]) => {
    const es = also(entries);
    const runs = es.find((e) => e.header.name === "runs.json")!;
    const doc = JSON.parse(runs.body.toString()) as Record<string, unknown>[];
    edit(doc[0]!);
    const out = es.map((e) => (e === runs ? { ...e, body: Buffer.from(JSON.stringify(doc)) } : e));
    const m = out.at(-1)!;
    const manifest = JSON.parse(m.body.toString()) as { entries: { name: string; digest: string; size: number }[] };
    manifest.entries = out.filter((e) => e !== m && e.header.name !== "manifest.sigstore.json").map((e) => ({ name: e.header.name, digest: sha(e.body), size: e.body.length }));
    return [...out.slice(0, -1), { ...m, body: Buffer.from(JSON.stringify(manifest)) }];
  };
}

async function refused(src: string, edit: (es: TarEntry[]) => TarEntry[], allowUnsigned: boolean) {
  const file = join(a.dir, `forged-${Math.random()}.tar`);
  await rewriteTar(src, file, edit);
  return intoFresh(async (b) => {
    const before = counts(b.app);
    const e = await expectCode(() => importEvidence(b.app, { file, trustedKeys: [a.key.publicKey], allowUnsigned }), "VERIFY_FAILED");
    expect(counts(b.app)).toEqual(before);
    return e.message;
  });
}

describe("signed manifest", () => {
  test("export --key writes manifest.sigstore.json just before manifest.json; import verifies it with no flag", async () => {
    const names = (await readTar(signed)).map((e) => e.header.name);
    expect(names.slice(-2)).toEqual(["manifest.sigstore.json", "manifest.json"]);
    const r = await intoFresh((b) => importEvidence(b.app, { file: signed, trustedKeys: [a.key.publicKey] }));
    expect(r.runs.imported).toBe(1);
    expect(r.manifestSigner).toMatch(/^key /);
    expect(r.contractUnbound).toBe(0);
  });

  test("an unsigned export is refused unless --allow-unsigned", async () => {
    const e = await intoFresh((b) => expectCode(() => importEvidence(b.app, { file: unsigned, trustedKeys: [a.key.publicKey] }), "VERIFY_FAILED"));
    expect(e.message).toContain("manifest.json is not signed");
    expect(e.hint).toContain("--allow-unsigned");
    const r = await intoFresh((b) => importEvidence(b.app, { file: unsigned, trustedKeys: [a.key.publicKey], allowUnsigned: true }));
    expect([r.runs.imported, r.manifestSigner]).toEqual([1, null]);
  });

  test("a recomputed manifest no longer matches its signature; a dropped signature is an unsigned file", async () => {
    expect(await refused(signed, forgeRun((r) => (r.team = "forged")), false)).toMatch(/^manifest\.sigstore\.json: digest mismatch: sha256:[0-9a-f]{64} is not a subject digest/);
    const dropped = (es: TarEntry[]) => es.filter((e) => e.header.name !== "manifest.sigstore.json");
    expect(await refused(signed, forgeRun((r) => (r.description = "forged"), dropped), false)).toContain("manifest.json is not signed");
  });

  test("a manifest signed by a key the importing home does not trust is refused", async () => {
    await exportEvidence(a.app, { output: "other.tar", sign: { key: generateKeyPair("ed25519").privateKey } });
    const e = await intoFresh((b) => expectCode(() => importEvidence(b.app, { file: join(a.dir, "other.tar"), trustedKeys: [a.key.publicKey] }), "VERIFY_FAILED"));
    expect(e.message).toStartWith("manifest.sigstore.json: signature mismatch");
  });
});

describe("where the signature sits, and a diverged copy of the revision", () => {
  test("manifest.sigstore.json anywhere but just before manifest.json is refused", async () => {
    const moved = (es: TarEntry[]) => {
      const sig = es.find((e) => e.header.name === "manifest.sigstore.json")!;
      return [sig, ...es.filter((e) => e !== sig)];
    };
    expect(await refused(signed, moved, false)).toStartWith("manifest.sigstore.json: must come just before manifest.json");
  });

  test("this store's revision with the same contract but another text cannot hold the run's signed contractDigest", async () => {
    const org = (await a.app.repo.findOrg(a.app.config.organization))!;
    const body = (await a.app.repo.getRevision((await a.app.repo.findContractByName(org.id, "skynet-build"))!.id, 1))!.body;
    await intoFresh(async (b) => {
      b.file("contract.yaml", `${body}# reformatted here\n`);
      const { createContract } = await import("../control/contracts.ts");
      await createContract(b.app, { name: "skynet-build", file: "contract.yaml" });
      const e = await expectCode(() => importEvidence(b.app, { file: signed, trustedKeys: [a.key.publicKey] }), "ALREADY_EXISTS");
      expect(e.message).toMatch(/^runs\.json \[0\]: contract skynet-build revision 1 is stored here with a body hashing to sha256:[0-9a-f]{64}, but run .*'s signed contractDigest is sha256:/);
    });
  });
});

describe("runs.json fields must equal the signed statement's (checked even with --allow-unsigned)", () => {
  const att = () => `attestations/`;
  const cases: [string, (r: Record<string, unknown>) => void, RegExp][] = [
    ["team", (r) => (r.team = "forged-team"), /the signed team is null, but runs\.json \[0\] team says "forged-team"/],
    ["runnerUrl", (r) => (r.runnerUrl = "https://evil.example/run/1"), /the signed runner\.url is null, but runs\.json \[0\] runnerUrl says "https:\/\/evil\.example\/run\/1"/],
    ["runnerType", (r) => (r.runnerType = "GITHUB_ACTION"), /the signed runner\.type is "RUNNER_TYPE_UNSPECIFIED", but runs\.json \[0\] runnerType says "GITHUB_ACTION"/],
    ["createdAt", (r) => (r.createdAt = "2020-01-01T00:00:00.000Z"), /the signed initializedAt is "2025-01-01T00:00:00\.000Z", but runs\.json \[0\] createdAt says "2020-01-01T00:00:00\.000Z"/],
    ["finishedAt", (r) => (r.finishedAt = "2024-01-01T00:00:00.000Z"), /runs\.json \[0\] finishedAt 2024-01-01T00:00:00\.000Z is before the run was created/],
    ["reason", (r) => (r.reason = "approved by security"), /runs\.json \[0\] reason says "approved by security", but the signed policy verdict gives null/],
    ["contractRevisionLatest", (r) => (r.contractRevisionLatest = 7), /runs\.json \[0\]: contractRevisionLatest 7, but contract skynet-build has 1 revision in the tar and this store/],
  ];
  for (const [field, edit, message] of cases) {
    test(`a forged ${field} is refused, naming it`, async () => {
      const m = await refused(unsigned, forgeRun(edit), true);
      expect(m).toMatch(message);
      if (field !== "contractRevisionLatest") expect(m).toStartWith(att());
    });
  }

  test("a contract revision body edited in the tar no longer hashes to the signed contractDigest", async () => {
    const body = (es: TarEntry[]) => es.map((e) => (e.header.name === "contracts/skynet-build/1.yaml" ? { ...e, body: Buffer.concat([e.body, Buffer.from("# edited\n")]) } : e));
    expect(await refused(unsigned, forgeRun(() => {}, body), true)).toMatch(/^contracts\/skynet-build\/1\.yaml: hashes to sha256:[0-9a-f]{64}, but run .* signed contractDigest is sha256:/);
  });
});

describe("attestations signed before contractDigest", () => {
  test("still import, with a warning naming the run, counted as not bound", async () => {
    const old = await testStore();
    try {
      old.file("x.bin", "x\n");
      await startRun(old, "legacy", "skynet");
      const st = old.app.state.read();
      delete st.workflow.contractDigest;
      old.app.state.write(st);
      await addMaterial(old.app, { name: "binary", kind: "ARTIFACT", value: "x.bin", annotations: {}, strict: false });
      await pushAttestation(old.app, { loadSigning: async () => ({ key: old.key.privateKey }), annotations: {} });
      await exportEvidence(old.app, { output: "old.tar", sign: { key: old.key.privateKey } });
      const warnings: string[] = [];
      const b = await testStore();
      try {
        const app = { ...b.app, reporter: { warn: (m: string) => void warnings.push(m) } };
        const r = await importEvidence(app, { file: join(old.dir, "old.tar"), trustedKeys: [old.key.publicKey] });
        expect([r.runs.imported, r.contractUnbound]).toEqual([1, 1]);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain("predates contractDigest");
      } finally {
        b.cleanup();
      }
    } finally {
      old.cleanup();
    }
  });
});
