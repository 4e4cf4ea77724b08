// Runs, discover, the CAS, organizations, tokens and keys through the HTTP control plane, against the local services.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair, publicKeyPem } from "../signing/keys.ts";
import { expectCode } from "../test-helpers.ts";
import { apiFixture, CONTENT, sha, type Api } from "../server/api.testutil.ts";
import { planes, same, type Pair } from "./remote.testutil.ts";

let api: Api;
let p: Pair;
beforeAll(async () => {
  api = await apiFixture();
  p = planes(api);
});
afterAll(() => api.cleanup());

describe("runs and discover", () => {
  test("list, describe (by id and digest) and discover equal the local services'", async () => {
    const run = api.runs.p1build;
    await same(p, async (cp) => await cp.runs.list({}));
    await same(p, async (cp) => await cp.runs.list({ project: "p1", status: "succeeded", limit: 1 }));
    await same(p, async (cp) => await cp.runs.list({ status: "bogus" }));
    const none = await same(p, async (cp) => await cp.runs.list({ project: "p1", policyStatus: "none" }));
    expect(none).toMatchObject({ ok: { items: [{ policyStatus: "none" }, { policyStatus: "none" }] } });
    await same(p, async (cp) => await cp.runs.list({ policyStatus: "blocked" }));
    await same(p, async (cp) => await cp.runs.list({ policyStatus: "green" }));
    await same(p, async (cp) => await cp.runs.describe({ id: run.runId }));
    await same(p, async (cp) => await cp.runs.describe({ digest: run.digest }));
    await same(p, async (cp) => await cp.runs.describe({ id: "nope" }));
    await same(p, async (cp) => await cp.runs.describe({}));
    await same(p, async (cp) => await cp.runs.discover({ digest: run.digest }));
    await same(p, async (cp) => await cp.runs.discover({ digest: sha(CONTENT.shared), limit: 1 }));
    await same(p, async (cp) => await cp.runs.discover({ digest: "sha256:zz" }));
  });

  test("the bundle and the signature check are the client's, on the exact stored bytes", async () => {
    const ref = { id: api.runs.p1test.runId };
    const keys = { keys: [api.s.key.publicKey], roots: [] };
    const a = await same(p, async (cp) => await cp.runs.attestation(ref, keys));
    expect(a).toMatchObject({ ok: { digest: api.runs.p1test.digest, verification: { verified: true } } });
    await same(p, async (cp) => await cp.runs.describe(ref, keys));
    const wrong = await same(p, async (cp) => await cp.runs.describe(ref, { keys: [generateKeyPair("ed25519").publicKey], roots: [] }));
    expect(wrong).toMatchObject({ error: { code: "VERIFY_FAILED" } });
  });

  test("a bundle altered on the way is refused", async () => {
    const tamper = (async (url: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(url, init);
      if (!String(url).endsWith("/attestation")) return res;
      const bytes = new Uint8Array(await res.arrayBuffer());
      bytes[bytes.length - 2] = 0x20;
      return new Response(bytes, { status: res.status, headers: res.headers });
    }) as typeof fetch;
    const tampered = planes(api, api.tokens.org, tamper);
    await expectCode(async () => await tampered.remote.runs.attestation({ id: api.runs.p1build.runId }), "INTEGRITY");
  });
});

describe("artifacts", () => {
  test("upload streams the client's file; download re-hashes into a file, or to a sink", async () => {
    api.s.file("up.bin", "uploaded remotely\n");
    const up = await p.remote.artifacts.upload({ path: "up.bin" });
    expect(up).toEqual({ digest: sha("uploaded remotely\n"), size: 18, name: "up.bin" });
    await same(p, (cp) => cp.artifacts.upload({ path: "absent.bin" }));
    await same(p, (cp) => cp.artifacts.upload({ path: "." }));
    const down = await p.remote.artifacts.download({ digest: up.digest, output: "copy.bin" });
    expect([down.name, down.size, readFileSync(join(api.s.dir, "copy.bin"), "utf8")]).toEqual(["up.bin", 18, "uploaded remotely\n"]);
    await same(p, (cp) => cp.artifacts.download({ digest: up.digest })); // up.bin exists: refused alike
    const chunks: Uint8Array[] = [];
    const sunk = await p.remote.artifacts.download({ digest: sha(CONTENT.p1), sink: async (c) => void chunks.push(c) });
    expect([sunk.name, Buffer.concat(chunks).toString()]).toEqual(["p1.bin", CONTENT.p1]);
    await same(p, (cp) => cp.artifacts.download({ digest: sha("never stored") }));
    await same(p, (cp) => cp.artifacts.download({ digest: "sha256:nothex" }));
  });

  test("bytes that do not match the digest leave no file", async () => {
    const corrupt = (async (url: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(url, init);
      if (!String(url).includes("/blobs/")) return res;
      const bytes = new Uint8Array(await res.arrayBuffer());
      bytes[0] = bytes[0]! ^ 1;
      return new Response(bytes, { status: res.status, headers: res.headers });
    }) as typeof fetch;
    const bad = planes(api, api.tokens.org, corrupt);
    const before = readdirSync(api.s.dir);
    await expectCode(() => bad.remote.artifacts.download({ digest: sha(CONTENT.p2), output: "p2-copy.bin" }), "INTEGRITY");
    expect(existsSync(join(api.s.dir, "p2-copy.bin"))).toBe(false);
    expect(readdirSync(api.s.dir)).toEqual(before);
  });
});

describe("organizations, tokens and keys", () => {
  test("the admin lists organizations as locally; creating one needs the admin token", async () => {
    const admin = planes(api, api.tokens.admin);
    await same(admin, async (cp) => await cp.orgs.list({}));
    expect(await p.remote.orgs.list({})).toEqual({ items: [expect.objectContaining({ name: "default", current: true })] });
    await expectCode(async () => await p.remote.orgs.create({ name: "third" }), "FORBIDDEN");
    expect(await admin.remote.orgs.create({ name: "third" })).toMatchObject({ name: "third", current: false });
    await same(admin, async (cp) => await cp.orgs.create({ name: "third" }));
  });

  test("tokens: created as the service returns them; list and revoke as locally", async () => {
    const t = await p.remote.tokens.create({ name: "made-remotely", project: "p1" });
    expect(Object.keys(t)).toEqual(Object.keys(await p.local.tokens.create({ name: "made-locally" })));
    expect(t).toMatchObject({ project: "p1", status: "active" });
    await same(p, (cp) => cp.tokens.list({ status: "all" }));
    expect(await p.remote.tokens.revoke({ id: t.id })).toMatchObject({ status: "revoked", alreadyRevoked: false });
    await same(p, (cp) => cp.tokens.revoke({ id: t.id }));
    await same(p, (cp) => cp.tokens.revoke({ id: "nope" }));
    await same(p, (cp) => cp.tokens.create({ name: "Bad Name" }));
  });

  test("keys: the PEM file is read here; errors name --key FILE as locally", async () => {
    const pair = generateKeyPair("ecdsa-p256");
    api.s.file("signer.pub", publicKeyPem(pair.publicKey));
    api.s.file("signer.key", pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string);
    await same(p, (cp) => cp.keys.add({ name: "bad", keyFile: "signer.key" }));
    await same(p, (cp) => cp.keys.add({ name: "none", keyFile: "absent.pub" }));
    const k = await p.remote.keys.add({ name: "signer", keyFile: "signer.pub" });
    expect([k.name, k.status]).toEqual(["signer", "active"]);
    const dup = await same(p, (cp) => cp.keys.add({ name: "again", keyFile: "signer.pub" }));
    expect(dup).toMatchObject({ error: { code: "ALREADY_EXISTS", message: expect.stringMatching(/^--key signer\.pub: /) } });
    await same(p, (cp) => cp.keys.list({ status: "all" }));
    expect(await p.remote.keys.remove({ name: "signer" })).toMatchObject({ status: "removed" });
    await same(p, (cp) => cp.keys.remove({ name: "signer" }));
    expect(await p.remote.organization()).toBe("default");
  });
});
