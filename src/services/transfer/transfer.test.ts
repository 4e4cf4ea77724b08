import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair } from "../../signing/keys.ts";
import { expectCode } from "../../test-helpers.ts";
import { discover } from "../control/discover.ts";
import { counts, register } from "../control/ingest.testutil.ts";
import { pushRun, testStore } from "../control/runs.testutil.ts";
import type { PushResult } from "../crafting/push.ts";
import { exportEvidence } from "./export.ts";
import { importEvidence } from "./import.ts";
import { readTar, rewriteTar, type TarEntry } from "./tar.testutil.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const APP = "the application binary\n";

const a = await testStore();
const b = await testStore();
let first: PushResult;
let second: PushResult;
let tarPath = "";

beforeAll(async () => {
  a.file("app.bin", APP);
  a.file("notes.txt", "notes\n");
  first = await pushRun(a, "build", "skynet", [{ name: "binary", kind: "ARTIFACT", value: "app.bin" }]);
  second = await pushRun(a, "release", "skynet", [{ name: "notes", kind: "ARTIFACT", value: "notes.txt" }]);
  tarPath = join(a.dir, "evidence.tar");
  await exportEvidence(a.app, { output: "evidence.tar" });
});
afterAll(() => {
  a.cleanup();
  b.cleanup();
});

const importInto = (file: string, keys = [a.key.publicKey]) => importEvidence(b.app, { file, trustedKeys: keys, allowUnsigned: true });
/** Nothing stored and no staging left behind. */
function unchanged(before: ReturnType<typeof counts>) {
  expect(counts(b.app)).toEqual(before);
  const tmp = join(b.app.config.home, "cas", "tmp");
  expect(existsSync(tmp) ? readdirSync(tmp).filter((n) => n.startsWith("import-")) : []).toEqual([]);
}
const entry = (entries: TarEntry[], prefix: string) => entries.find((e) => e.header.name.startsWith(prefix))!;

describe("export", () => {
  test("writes the layout, manifest last, every entry listed with its digest", async () => {
    const entries = await readTar(tarPath);
    const names = entries.map((e) => e.header.name);
    expect(names[0]).toBe("runs.json");
    expect(names.at(-1)).toBe("manifest.json");
    expect(names).toContain(`blobs/sha256/${sha(APP).slice(7)}`);
    expect(names).toContain(`attestations/${first.digest.slice(7)}.json`);
    expect(names.filter((n) => n.startsWith("contracts/")).sort()).toEqual(["contracts/skynet-build/1.yaml", "contracts/skynet-release/1.yaml"]);
    const manifest = JSON.parse(entries.at(-1)!.body.toString());
    expect(manifest.entries.map((e: { name: string }) => e.name)).toEqual(names.slice(0, -1));
    for (const e of entries.slice(0, -1)) expect(manifest.entries.find((m: { name: string }) => m.name === e.header.name).digest).toBe(sha(e.body));
    expect(existsSync(tarPath) && readdirSync(a.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  test("filters: --workflow and --digest select one run; nothing matching and a bad --since are refused", async () => {
    const r = await exportEvidence(a.app, { output: "build.tar", workflow: "build" });
    expect([r.runs, r.blobs]).toEqual([1, 1]);
    expect((await exportEvidence(a.app, { output: "one.tar", digest: second.digest })).runs).toBe(1);
    await expectCode(() => exportEvidence(a.app, { output: "x.tar", project: "nope" }), "NOT_FOUND");
    const e = await expectCode(() => exportEvidence(a.app, { output: "x.tar", since: "last tuesday" }), "USAGE");
    expect(e.message).toContain("--since");
    expect(existsSync(join(a.dir, "x.tar"))).toBe(false);
    const dir = await expectCode(() => exportEvidence(a.app, { output: "no/such/dir/x.tar" }), "NOT_FOUND");
    expect(dir.message).toContain("-o ");
  });
});

describe("import", () => {
  test("refused whole, naming the entry, for damaged or hostile tars", async () => {
    const before = counts(b.app);
    const bad = async (name: string, edit: (e: TarEntry[]) => TarEntry[], message: RegExp, keys = [a.key.publicKey]) => {
      await rewriteTar(tarPath, join(b.dir, name), edit);
      const e = await expectCode(() => importInto(join(b.dir, name), keys), "VERIFY_FAILED");
      expect(e.message).toMatch(message);
      unchanged(before);
    };
    const blobName = `blobs/sha256/${sha(APP).slice(7)}`;
    await bad("flipped.tar", (es) => es.map((e) => (e.header.name === blobName ? { ...e, body: Buffer.from(APP.replace("a", "b")) } : e)), new RegExp(`${blobName}: content hashes to`));
    await bad("missing.tar", (es) => es.filter((e) => e.header.name !== blobName), new RegExp(`${blobName}: is listed in manifest.json but missing`));
    await bad("dotdot.tar", (es) => [{ header: { name: "../evil", type: "file", size: 4 }, body: Buffer.from("evil") }, ...es], /"\.\.\/evil": the entry name contains `\.\.`/);
    await bad("link.tar", (es) => [{ header: { name: "runs.json", type: "symlink", linkname: "/etc/passwd", size: 0 }, body: Buffer.alloc(0) }, ...es.slice(1)], /runs\.json: is a symlink/);
    await bad("dup.tar", (es) => [es[0]!, ...es], /runs\.json: appears twice/);
    await bad("stray.tar", (es) => [{ header: { name: "notes.txt", type: "file", size: 1 }, body: Buffer.from("x") }, ...es], /not part of the export layout/);
    await bad("untrusted.tar", (es) => es, new RegExp(`attestations/[0-9a-f]{64}\\.json: signature mismatch: none of the 1 given key`), [generateKeyPair("ed25519").publicKey]);
    await bad("runs-edited.tar", (es) => es.map((e) => (e.header.name === "runs.json" ? { ...e, body: Buffer.from(e.body.toString().replace('"build"', '"deploy"')) } : e)), /runs\.json: is \d+ bytes with sha256:.*but manifest\.json says/);
  });

  test("a missing blob is refused unless the organization already holds it", async () => {
    const before = counts(b.app);
    const notes = `blobs/sha256/${sha("notes\n").slice(7)}`;
    const drop = (es: TarEntry[]) => {
      const m = entry(es, "manifest.json");
      const manifest = JSON.parse(m.body.toString());
      manifest.entries = manifest.entries.filter((x: { name: string }) => x.name !== notes);
      return [...es.filter((e) => e.header.name !== notes && e !== m), { header: m.header, body: Buffer.from(JSON.stringify(manifest)) }];
    };
    await rewriteTar(tarPath, join(b.dir, "nonotes.tar"), drop);
    const e = await expectCode(() => importInto(join(b.dir, "nonotes.tar")), "VERIFY_FAILED");
    expect(e.message).toContain(`${notes}: is missing`);
    unchanged(before);
  });

  test("a missing file or one that is not a tar", async () => {
    expect((await expectCode(() => importInto("nope.tar"), "NOT_FOUND")).message).toBe("nope.tar: no such file");
    b.file("junk.tar", "x".repeat(2000));
    await expectCode(() => importInto(join(b.dir, "junk.tar")), "VERIFY_FAILED");
  });

  test("without --trusted-key the organization's keys are used, and with none it says what to do", async () => {
    const e = await expectCode(() => importInto(tarPath, []), "USAGE");
    expect(e.hint).toContain("--trusted-key");
  });

  test("stores everything: discover and the blobs work in B; a second import changes nothing", async () => {
    const r = await importInto(tarPath);
    expect(r.runs).toEqual({ imported: 2, alreadyPresent: 0 });
    expect(r.blobs).toEqual({ imported: 2, alreadyPresent: 0 });
    expect(r.contractRevisions).toEqual({ imported: 2, alreadyPresent: 0 });
    const node = await discover(b.app, { digest: first.digest });
    expect([node.kind, node.run?.id, node.run?.state]).toEqual(["ATTESTATION", first.runId!, "succeeded"]);
    expect(node.references.find((n) => n.kind === "ARTIFACT")!.digest).toBe(sha(APP));
    expect(new TextDecoder().decode(await b.app.blobs.read(sha(APP)))).toBe(APP);
    expect(await b.app.blobs.read(first.digest)).toEqual(await a.app.blobs.read(first.digest));
    expect(await b.app.repo.getRun(second.runId!)).toMatchObject({ state: "succeeded", attestationDigest: second.digest });

    const after = counts(b.app);
    const again = await importInto(tarPath);
    expect([again.runs, again.blobs, again.contractRevisions]).toEqual([
      { imported: 0, alreadyPresent: 2 },
      { imported: 0, alreadyPresent: 2 },
      { imported: 0, alreadyPresent: 2 },
    ]);
    unchanged(after);
  });

  test("after the first import B's registered keys suffice; a diverged contract revision is a conflict", async () => {
    await register(b.app, "a-ci", a.key.publicKey);
    expect((await importInto(tarPath, [])).runs.alreadyPresent).toBe(2);
    a.file("app.bin", "v2\n");
    const c = await testStore();
    try {
      await register(c.app, "ci", a.key.publicKey);
      c.file("other.bin", "other\n");
      // C has its own revision 1 of skynet-build (a different contract body).
      c.file("contract.yaml", "apiVersion: cairn.dev/v1\nkind: Contract\nmetadata:\n  name: skynet-build\nspec:\n  materials:\n    - name: x\n      type: STRING\n      optional: true\n");
      const { createContract } = await import("../control/contracts.ts");
      await createContract(c.app, { name: "skynet-build", file: "contract.yaml" });
      const before = counts(c.app);
      const e = await expectCode(() => importEvidence(c.app, { file: tarPath, trustedKeys: [], allowUnsigned: true }), "ALREADY_EXISTS");
      expect(e.message).toContain("contracts/skynet-build/1.yaml: contract skynet-build revision 1 already exists here with different content");
      expect(counts(c.app)).toEqual(before);
    } finally {
      c.cleanup();
    }
  });
});
