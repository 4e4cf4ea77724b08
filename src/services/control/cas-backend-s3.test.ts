// `cas-backend add s3` against a real S3 API (Swift with s3api, swift.testutil.ts): the round-trip check, the messages
// of a wrong secret and a wrong endpoint, validation, and evidence written through the composition root's store.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CairnError } from "../../errors.ts";
import { startSwift, swiftMissing, type RunningSwift } from "../../store/s3/swift.testutil.ts";
import { S3_CHECK_BYTES } from "./cas-backend-check.ts";
import { addS3CasBackend, type AddS3CasBackendInput } from "./cas-backend-s3.ts";
import { listCasBackends, removeCasBackend, setDefaultCasBackend } from "./cas-backends.ts";
import { TempStore } from "./store-fixture.testutil.ts";

setDefaultTimeout(90_000); // Swift takes ~12 s to start (first test), twice that when a start is retried
const skip = swiftMissing();
const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
const store = new TempStore();
let swiftP: Promise<RunningSwift> | undefined;
const swift = () => (swiftP ??= startSwift());
afterAll(async () => {
  if (swiftP) await (await swiftP).stop();
  await store.cleanup();
});

const WRONG = "not-the-secret-0123456789";
async function setup(secret?: string) {
  const s = await swift();
  const app = await store.open({ MY_S3_KEY: s.accessKeyId, MY_S3_SECRET: secret ?? s.secretAccessKey });
  const input = (over: Partial<AddS3CasBackendInput> = {}): AddS3CasBackendInput => ({
    name: "bucket", bucket: s.bucket, prefix: "team/evidence", endpoint: s.endpoint, region: s.region, pathStyle: true, accessKeyEnv: "MY_S3_KEY", secretKeyEnv: "MY_S3_SECRET", ...over,
  });
  return { s, app, input };
}

describe.skipIf(skip !== undefined)(`cas-backend add s3 against Swift${skip ? ` (${skip})` : ""}`, () => {
  test("the check writes the check blob at PREFIX/sha256/<hex> and reads it back; the row keeps variable names, not values", async () => {
    const { s, app, input } = await setup();
    const b = await addS3CasBackend(app, input({ default: true }));
    expect(b).toMatchObject({ name: "bucket", provider: "s3", location: `s3://${s.bucket}/team/evidence`, default: true, username: null, passwordEnv: null });
    expect(b.s3).toEqual({ bucket: s.bucket, prefix: "team/evidence", endpoint: s.endpoint, region: "us-east-1", pathStyle: true, accessKeyEnv: "MY_S3_KEY", secretKeyEnv: "MY_S3_SECRET" });
    expect(await s.client().exists(`team/evidence/sha256/${sha(S3_CHECK_BYTES)}`)).toBe(true);
    expect(JSON.stringify(await app.casBackends.list())).not.toContain(s.secretAccessKey);
    expect((await listCasBackends(app)).map((x) => [x.name, x.provider, x.default])).toEqual([["local", "local", false], ["bucket", "s3", true]]);
    await setDefaultCasBackend(app, { name: "local" });
    await removeCasBackend({ ...app, reporter: { warn: () => {} } }, { name: "bucket" });
  });

  test("a context opened afterwards writes evidence to the bucket (not the local CAS) and reads it back", async () => {
    const { s, app, input } = await setup();
    await addS3CasBackend(app, input({ name: "writer", prefix: "ctx", default: true }));
    try {
      const ctx = await store.open({ MY_S3_KEY: s.accessKeyId, MY_S3_SECRET: s.secretAccessKey });
      const ref = await ctx.blobs.putBytes(new TextEncoder().encode("evidence for the bucket"));
      expect(await s.client().exists(`ctx/sha256/${ref.digest.slice(7)}`)).toBe(true);
      expect(existsSync(join(store.home, "cas", "sha256"))).toBe(false);
      expect(new TextDecoder().decode(await ctx.blobs.read(ref.digest))).toBe("evidence for the bucket");
    } finally {
      await removeCasBackend({ ...app, reporter: { warn: () => {} } }, { name: "writer" });
    }
  });

  test("a wrong secret fails the add: 403 named, both variables and --skip-check named, the secret never echoed, nothing stored", async () => {
    const { app, input } = await setup(WRONG);
    const err = (await addS3CasBackend(app, input({ name: "denied" })).catch((e) => e)) as CairnError;
    expect(err.code).toBe("UNAUTHENTICATED");
    expect(err.message).toContain("403");
    expect(err.message).toContain("--bucket cairn-evidence");
    expect(err.message).toContain("$MY_S3_SECRET");
    expect(err.hint).toContain("--skip-check");
    expect(JSON.stringify({ m: err.message, h: err.hint, d: err.details })).not.toContain(WRONG);
    expect(await app.casBackends.findByName("denied")).toBeUndefined();
  });

  test("a missing bucket and an unreachable endpoint name their flag", async () => {
    const { app, input } = await setup();
    const noBucket = (await addS3CasBackend(app, input({ name: "nob", bucket: "no-such-bucket" })).catch((e) => e)) as CairnError;
    expect(noBucket).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("--bucket no-such-bucket") });
    const down = (await addS3CasBackend(app, input({ name: "down", endpoint: "http://127.0.0.1:1" })).catch((e) => e)) as CairnError;
    expect(down.code).toBe("NETWORK");
    expect(down.hint).toContain("--endpoint");
    expect(await app.casBackends.findByName("nob") ?? await app.casBackends.findByName("down")).toBeUndefined();
  });

  test("--skip-check registers without contacting the server", async () => {
    const { app, input } = await setup();
    await addS3CasBackend(app, input({ name: "offline", endpoint: "http://127.0.0.1:1", skipCheck: true }));
    expect((await app.casBackends.findByName("offline"))?.s3?.endpoint).toBe("http://127.0.0.1:1");
    await removeCasBackend({ ...app, reporter: { warn: () => {} } }, { name: "offline" });
  });
});

describe("cas-backend add s3: validation (before any request)", async () => {
  const app = await store.open({ K: "id", S: "secret" });
  const add = (over: Partial<AddS3CasBackendInput>) =>
    addS3CasBackend(app, { name: "v", bucket: "evidence", endpoint: "http://127.0.0.1:1", accessKeyEnv: "K", secretKeyEnv: "S", skipCheck: true, ...over });
  test.each([
    [{ bucket: "s3://evidence" }, /--bucket "s3:\/\/evidence" is not an S3 bucket name/],
    [{ bucket: "Evidence" }, /--bucket "Evidence"/],
    [{ prefix: "a//b" }, /--prefix "a\/\/b" has an empty, '.' or '..' segment/],
    [{ prefix: "a/../b" }, /--prefix/],
    [{ endpoint: "minio:9000" }, /--endpoint "minio:9000" is not http\(s\)/],
    [{ endpoint: "https://minio:9000/evidence" }, /--endpoint .* has a path/],
    [{ region: "EU West" }, /--region "EU West" is not a region name/],
    [{ accessKeyEnv: "AKIA123=x" }, /--access-key-env "AKIA123=x" is not a variable name/],
    [{ secretKeyEnv: "UNSET_SECRET_VAR" }, /--secret-key-env UNSET_SECRET_VAR: the variable holding the S3 secret access key is not set/],
    [{ name: "local" }, /reserved/],
  ] as const)("%p is refused", async (over, message) => {
    await expect(add(over)).rejects.toThrow(message);
  });

  test("defaults: AWS's regional endpoint, us-east-1, virtual-hosted URLs, the AWS_* variables; prefix slashes trimmed", async () => {
    const aws = await store.open({ AWS_ACCESS_KEY_ID: "id", AWS_SECRET_ACCESS_KEY: "secret" });
    const b = await addS3CasBackend(aws, { name: "aws", bucket: "evidence", prefix: "/ci/", skipCheck: true });
    expect(b.location).toBe("s3://evidence/ci");
    expect(b.s3).toEqual({ bucket: "evidence", prefix: "ci", endpoint: "https://s3.us-east-1.amazonaws.com", region: "us-east-1", pathStyle: false, accessKeyEnv: "AWS_ACCESS_KEY_ID", secretKeyEnv: "AWS_SECRET_ACCESS_KEY" });
    await removeCasBackend({ ...aws, reporter: { warn: () => {} } }, { name: "aws" });
  });
});
