// Air-gap transfer through the binary: craft and push in home A, export, import into home B.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair, publicKeyPem } from "../../src/signing/keys.ts";
import { rewriteTar, type TarEntry } from "../../src/services/transfer/tar.testutil.ts";
import { Sandbox } from "./harness.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const APP = "the application, built in A\n";
const CONTRACT = `apiVersion: cairn.dev/v1
kind: Contract
metadata:
  name: build
spec:
  materials:
    - { type: ARTIFACT, name: binary, output: true }
`;

interface ImportSummary {
  runs: { imported: number; alreadyPresent: number };
  blobs: { imported: number; alreadyPresent: number };
}

describe("export / import between two homes", () => {
  const a = new Sandbox();
  const b = new Sandbox();
  let pushed: { digest: string; runId: string; provenance?: { digest: string } };
  const tar = () => b.path("evidence.tar");

  beforeAll(() => {
    writeFileSync(a.path("app.bin"), APP);
    writeFileSync(a.path("build.yaml"), CONTRACT);
    a.ok(["keys", "generate", "--output-prefix", "cosign"]);
    a.ok(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", "build.yaml"]);
    a.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    pushed = a.json(["att", "push", "--key", "cosign.key"]);
    const r = a.ok(["export", "-o", "evidence.tar", "--key", "cosign.key", "--format", "json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ runs: 1, blobs: 1, signed: true });
    copyFileSync(a.path("evidence.tar"), tar());
    copyFileSync(a.path("cosign.pub"), b.path("cosign.pub"));
    writeFileSync(b.path("other.pub"), publicKeyPem(generateKeyPair("ecdsa-p256").publicKey));
  });
  afterAll(() => {
    a.cleanup();
    b.cleanup();
  });

  /** Each refused tar: exit 1, the entry named, B's store as it was and no staging left. */
  const refused = async (name: string, edit: (es: TarEntry[]) => TarEntry[], message: RegExp, key = "cosign.pub") => {
    await rewriteTar(tar(), b.path(name), edit);
    const before = b.counts();
    const r = b.run(["import", name, "--trusted-key", key]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("nothing was imported");
    expect(b.counts()).toEqual(before);
    expect(readdirSync(join(b.home, "cas", "tmp")).filter((n) => n.startsWith("import-"))).toEqual([]);
  };
  const blob = () => `blobs/sha256/${sha(APP).slice(7)}`;

  test("refused whole: a flipped byte in a blob, a missing blob, an untrusted signer, a ../ entry", async () => {
    b.ok(["org", "list"]); // creates B's store, so "unchanged" compares real tables
    await refused("flipped.tar", (es) => es.map((e) => (e.header.name === blob() ? { ...e, body: flip(e.body) } : e)), new RegExp(`${blob()}: content hashes to`));
    await refused("missing.tar", (es) => es.filter((e) => e.header.name !== blob()), new RegExp(`${blob()}: is listed in manifest.json but missing`));
    await refused("untrusted.tar", (es) => es, /manifest\.sigstore\.json: signature mismatch: none of the 1 given key\(s\) verifies the bundle signature/, "other.pub");
    await refused("dotdot.tar", (es) => [{ header: { name: "../../etc/cron.d/x", type: "file" }, body: Buffer.from("x") }, ...es], /"\.\.\/\.\.\/etc\/cron\.d\/x": the entry name contains `\.\.`/);
    expect(b.counts().workflow_runs).toBe(0);
  });

  test("import into B with --trusted-key: discover and artifact download work there", () => {
    const r = b.json<ImportSummary>(["import", "evidence.tar", "--trusted-key", "cosign.pub"]);
    expect([r.runs, r.blobs]).toEqual([
      { imported: 1, alreadyPresent: 0 },
      { imported: 1, alreadyPresent: 0 },
    ]);
    const node = b.json<{ kind: string; run: { id: string; state: string }; references: { kind: string; digest: string }[] }>(["discover", pushed.digest]);
    expect([node.kind, node.run.id, node.run.state]).toEqual(["ATTESTATION", pushed.runId, "succeeded"]);
    // The artifact, and the SLSA provenance that came with the run (its output is the artifact).
    expect(node.references.map((n) => [n.kind, n.digest]).sort()).toEqual([["ARTIFACT", sha(APP)], ["ATTESTATION", pushed.provenance!.digest]].sort());
    b.ok(["artifact", "download", "--digest", sha(APP), "--output", "downloaded.bin"]);
    expect(readFileSync(b.path("downloaded.bin"), "utf8")).toBe(APP);
    expect(b.runStates()).toEqual(["succeeded"]);
  });

  test("importing the same file again changes nothing", () => {
    const before = b.counts();
    const r = b.json<ImportSummary>(["import", "evidence.tar", "--trusted-key", "cosign.pub"]);
    expect([r.runs, r.blobs]).toEqual([
      { imported: 0, alreadyPresent: 1 },
      { imported: 0, alreadyPresent: 1 },
    ]);
    expect(b.counts()).toEqual(before);
    const table = b.ok(["import", "evidence.tar", "--trusted-key", "cosign.pub"]);
    expect(table.stderr).toContain("imported 0 runs");
  });

  test("remote mode is refused", () => {
    const r = b.run(["export", "-o", "x.tar", "--control-plane", "http://127.0.0.1:9", "--token", "t"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("does not work with --control-plane");
  });
});

function flip(body: Buffer): Buffer {
  const out = Buffer.from(body);
  out[0] = out[0]! ^ 1;
  return out;
}
