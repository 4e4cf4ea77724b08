import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { artifactName, downloadArtifact, uploadArtifact } from "./artifacts.ts";
import { pushRun, testStore } from "./runs.testutil.ts";

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

describe("artifact upload and download", async () => {
  const s = await testStore();
  const big = new Uint8Array(5 * 1024 * 1024 + 3).map((_, i) => (i * 7) % 256);
  const out = (...p: string[]) => join(s.dir, "out", ...p);

  beforeAll(async () => {
    s.file("big.bin", big);
    s.file("app.bin", "material bytes\n");
    mkdirSync(out());
    await pushRun(s, "build", "p", [
      { name: "binary", kind: "ARTIFACT", value: "app.bin" },
      { name: "ref", kind: "STRING", value: "v1" },
    ]);
  });
  afterAll(() => s.cleanup());

  test("upload streams into the CAS and records the upload (name, size) so gc keeps it", async () => {
    const r = await uploadArtifact(s.app, { path: "big.bin" });
    expect(r).toEqual({ digest: sha(big), size: big.length, name: "big.bin" });
    expect(await s.app.blobs.has(r.digest)).toBe(true);
    const orgId = (await s.app.repo.findOrg("default"))!.id;
    expect(await s.app.runs.findUpload(orgId, r.digest)).toEqual({ orgId, digest: r.digest, name: "big.bin", size: big.length, createdAt: "2025-01-01T00:00:01.000Z" });
    expect(await uploadArtifact(s.app, { path: "big.bin" })).toEqual(r); // idempotent
  });

  test("openRead streams the blob in chunks (not one buffer)", async () => {
    const blob = await s.app.blobs.openRead(sha(big));
    expect(blob.size).toBe(big.length);
    const sizes: number[] = [];
    for await (const c of blob.chunks) sizes.push(c.length);
    expect(sizes.length).toBe(6);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(big.length);
  });

  test("download to a file, and into a directory under the recorded name; --output replaces", async () => {
    const r = await downloadArtifact(s.app, { digest: sha(big), output: "out/copy.bin" });
    expect(r).toEqual({ digest: sha(big), size: big.length, name: "big.bin", path: out("copy.bin") });
    expect(sha(readFileSync(out("copy.bin")))).toBe(sha(big));
    expect((await downloadArtifact(s.app, { digest: sha("material bytes\n"), output: "out" })).path).toBe(out("app.bin"));
    expect(readFileSync(out("app.bin"), "utf8")).toBe("material bytes\n");
    writeFileSync(out("copy.bin"), "old");
    await downloadArtifact(s.app, { digest: sha(big), output: "out/copy.bin" }); // explicit --output replaces
    expect(sha(readFileSync(out("copy.bin")))).toBe(sha(big));
    expect(readdirSync(out()).sort()).toEqual(["app.bin", "copy.bin"]); // no temp files left
  });

  test("the default name never overwrites an existing file", async () => {
    await expectCode(() => downloadArtifact(s.app, { digest: sha(big) }), "USAGE"); // big.bin exists in cwd
  });

  test("names come from uploads or materials; an attestation bundle has none, so the hex digest", async () => {
    const run = (await s.app.runs.list({ orgId: (await s.app.repo.findOrg("default"))!.id, limit: 1 }))[0]!;
    expect(await artifactName(s.app, run.attestationDigest!)).toBe(run.attestationDigest!.slice(7));
    expect(await artifactName(s.app, sha("material bytes\n"))).toBe("app.bin");
  });

  test("to a sink: every byte in order", async () => {
    const got: Uint8Array[] = [];
    const r = await downloadArtifact(s.app, { digest: sha(big), sink: async (c) => void got.push(c) });
    expect(r.path).toBeUndefined();
    expect(sha(Buffer.concat(got))).toBe(sha(big));
  });

  test("a corrupted blob is refused: INTEGRITY, no file and no temp file left", async () => {
    const digest = sha("material bytes\n");
    const path = s.app.blobs.pathFor!(digest);
    const bytes = readFileSync(path);
    bytes[3]! ^= 0x01;
    writeFileSync(path, bytes);
    const e = await expectCode(() => downloadArtifact(s.app, { digest, output: "out/bad.bin" }), "INTEGRITY");
    expect((e.details as { actual: string }).actual).toBe(sha(bytes));
    expect(readdirSync(out()).sort()).toEqual(["app.bin", "copy.bin"]);
    let streamed = 0;
    await expectCode(() => downloadArtifact(s.app, { digest, sink: async (c) => void (streamed += c.length) }), "INTEGRITY");
    expect(streamed).toBe(bytes.length); // the error comes after the bytes, as with `--output -`
  });

  test("unknown, reference-only and missing blobs are NOT_FOUND; bad digest or missing file refused", async () => {
    await expectCode(() => downloadArtifact(s.app, { digest: sha("never stored") }), "NOT_FOUND");
    await expectCode(() => downloadArtifact(s.app, { digest: sha("v1") }), "NOT_FOUND"); // STRING material: digest only
    await expectCode(() => downloadArtifact(s.app, { digest: "big.bin" }), "USAGE");
    await expectCode(() => uploadArtifact(s.app, { path: "nope.bin" }), "NOT_FOUND");
    await expectCode(() => uploadArtifact(s.app, { path: "out" }), "USAGE");
    const gone = await uploadArtifact(s.app, { path: s.file("gone.txt", "gone\n") });
    rmSync(s.app.blobs.pathFor!(gone.digest));
    await expectCode(() => downloadArtifact(s.app, { digest: gone.digest, output: "out/gone.txt" }), "NOT_FOUND");
    expect(readdirSync(out())).not.toContain("gone.txt");
  });

  test("a destination directory that does not exist is an IO error", async () => {
    await expectCode(() => downloadArtifact(s.app, { digest: sha(big), output: "no/such/dir/x" }), "IO");
  });
});
