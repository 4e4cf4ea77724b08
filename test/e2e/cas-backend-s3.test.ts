// An S3 CAS backend through the binary, against a real S3 API (OpenStack Swift with s3api, from Debian's packages):
// `cas-backend add s3` checks with a round trip, evidence is pushed to PREFIX/sha256/<hex> and read back
// digest-checked by `artifact download`, in this home and a second one.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startSwift, swiftMissing, type RunningSwift } from "../../src/store/s3/swift.testutil.ts";
import { Sandbox } from "./harness.ts";

setDefaultTimeout(90_000); // Swift takes ~12 s to start, twice that when a start is retried
const skip = swiftMissing();
const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const APP = "the application, stored in a bucket\n";
const PREFIX = "team/evidence";
const WRONG = "wrong-secret-e2e-42";

function localBlobs(sb: Sandbox): string[] {
  const dir = join(sb.home, "cas", "sha256");
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
}

describe.skipIf(skip !== undefined)(`cas-backend add s3 through the binary (Swift s3api)${skip ? ` (${skip})` : ""}`, () => {
  const a = new Sandbox();
  const b = new Sandbox();
  let swift: RunningSwift;
  let env: Record<string, string>;
  const material = sha(APP);
  const addArgs = (name: string, extra: string[] = []) => [
    "cas-backend", "add", "s3", "--name", name, "--bucket", swift.bucket, "--prefix", PREFIX, "--endpoint", swift.endpoint, "--path-style",
    "--access-key-env", "E2E_S3_KEY", "--secret-key-env", "E2E_S3_SECRET", ...extra,
  ];

  beforeAll(async () => {
    swift = await startSwift();
    env = { E2E_S3_KEY: swift.accessKeyId, E2E_S3_SECRET: swift.secretAccessKey };
    Object.assign(a.env, env);
    Object.assign(b.env, env);
    writeFileSync(a.path("app.bin"), APP);
    a.ok(["keys", "generate", "--output-prefix", "cosign"]);
  });
  afterAll(async () => {
    await swift?.stop();
    a.cleanup();
    b.cleanup();
  });

  test("a wrong secret fails the add with the 403, the variable and --skip-check named, and the secret not echoed", () => {
    const r = a.run(addArgs("denied"), { E2E_S3_SECRET: WRONG });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("403");
    expect(r.stderr).toContain("$E2E_S3_SECRET");
    expect(r.stderr).toContain("--skip-check");
    expect(r.stderr + r.stdout).not.toContain(WRONG);
    expect(a.json<{ items: { name: string }[] }>(["cas-backend", "list"]).items.map((x) => x.name)).toEqual(["local"]);
  });

  test("add --default, then list shows where the credentials come from", () => {
    expect(a.json(addArgs("bucket", ["--default"]))).toMatchObject({ name: "bucket", provider: "s3", location: `s3://${swift.bucket}/${PREFIX}`, default: true });
    const table = a.ok(["cas-backend", "list"]).stdout;
    expect(table).toContain(`s3://${swift.bucket}/${PREFIX}`);
    expect(table).toContain("key in $E2E_S3_KEY, secret in $E2E_S3_SECRET");
    expect(readFileSync(join(a.home, "cairn.db")).includes(Buffer.from(swift.secretAccessKey))).toBe(false);
  });

  test("att push stores the material and the bundle in the bucket at PREFIX/sha256/<hex>, nothing on local disk", async () => {
    a.ok(["att", "init", "--workflow", "build", "--project", "p"]);
    a.ok(["att", "add", "--name", "binary", "--kind", "ARTIFACT", "--value", "app.bin"]);
    const bundle = a.json<{ digest: string }>(["att", "push", "--key", "cosign.key"]).digest;
    for (const d of [material, bundle]) expect(await swift.client().exists(`${PREFIX}/sha256/${d.slice(7)}`)).toBe(true);
    expect(localBlobs(a)).toEqual([]);
    expect(a.json<{ storedAt: string }>(["att", "push", "--key", "cosign.key"]).storedAt).toBe(`s3://${swift.bucket}/${PREFIX}/sha256/${bundle.slice(7)}`);
  });

  test("store fsck --remote --deep finds every blob in the bucket and re-hashes it", () => {
    const r = a.json<{ ok: boolean; counts: { remoteChecked: number; missing: number } }>(["store", "fsck", "--remote", "--deep", "--key", "cosign.pub"]);
    expect(r.ok).toBe(true);
    expect(r.counts.missing).toBe(0);
    expect(r.counts.remoteChecked).toBeGreaterThanOrEqual(2);
  });

  test("artifact upload of a 12 MiB file (a multipart upload) and download read it back byte for byte", () => {
    const big = randomBytes(12 * 1024 * 1024 + 5);
    writeFileSync(a.path("big.bin"), big);
    a.ok(["artifact", "upload", "big.bin"]);
    a.ok(["artifact", "download", "--digest", sha(big), "--output", "big.copy"]);
    expect(sha(readFileSync(a.path("big.copy")))).toBe(sha(big));
    expect(localBlobs(a)).toEqual([]);
  });

  test("a second home with the same backend downloads the evidence imported without its blobs", () => {
    a.ok(["export", "--key", "cosign.key", "-o", "evidence.tar"]);
    copyFileSync(a.path("evidence.tar"), b.path("evidence.tar"));
    b.ok(addArgs("shared", ["--default"]));
    b.ok(["import", "evidence.tar", "--trusted-key", a.path("cosign.pub")]);
    b.ok(["artifact", "download", "--digest", material, "--output", "b.bin"]);
    expect(readFileSync(b.path("b.bin"), "utf8")).toBe(APP);
  });

  test("the credentials are read at use time: an unset secret variable fails the download naming it", () => {
    const r = b.run(["artifact", "download", "--digest", material, "--output", "nokey.bin"], { E2E_S3_SECRET: "" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("$E2E_S3_SECRET");
    expect(existsSync(b.path("nokey.bin"))).toBe(false);
  });

  test("an object changed in the bucket is refused on download: INTEGRITY, no file left", async () => {
    await swift.client().write(`${PREFIX}/sha256/${material.slice(7)}`, APP.replace("application", "applicatiOn"));
    const r = b.run(["artifact", "download", "--digest", material, "--output", "bad.bin"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`blob ${material} is corrupt`);
    expect(existsSync(b.path("bad.bin"))).toBe(false);
    const fsck = b.run(["store", "fsck", "--remote", "--deep", "-o", "json", "--key", a.path("cosign.pub")]);
    expect(fsck.code).toBe(1);
    expect((JSON.parse(fsck.stdout) as { problems: { kind: string; digest: string }[] }).problems).toContainEqual(expect.objectContaining({ kind: "remote-corrupt", digest: material }));
  });
});
