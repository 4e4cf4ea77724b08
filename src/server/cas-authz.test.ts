// The CAS leaks an authorization probe found against `cairn serve`, reproduced in process: content addressing
// deduplicates bytes, not permissions, so a digest alone must never read or cite another scope's blob.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { publicKeyPem } from "../signing/keys.ts";
import { counts, craft } from "../services/control/ingest.testutil.ts";
import { pushRun } from "../services/control/runs.testutil.ts";
import type { ServiceDeps } from "../services/deps.ts";
import { apiFixture, CONTENT, sha, type Api, type Reply } from "./api.testutil.ts";

let api: Api;
let other: ServiceDeps;
const STRING_VALUE = "v9.9.9";
beforeAll(async () => {
  api = await apiFixture();
  other = { ...api.s.app, config: { ...api.s.app.config, organization: "other" } };
  await pushRun(api.s, "build", "p1", [{ name: "ref", kind: "STRING", value: STRING_VALUE }]); // recorded by digest only
  const key = { name: "ci", publicKey: publicKeyPem(api.s.key.publicKey) };
  for (const token of [api.tokens.org, api.tokens.other]) expect((await api.req("POST", "/api/v1/keys", { token, body: key })).status).toBe(201);
});
afterAll(() => api.cleanup());

const upload = (content: string, token: string) => api.req("POST", "/api/v1/blobs?name=up.bin", { token, raw: content });
const download = (digest: string, token: string) => api.req("GET", `/api/v1/blobs/${digest}`, { token });
const push = (bundle: Uint8Array, token: string) => api.req("POST", "/api/v1/attestations", { token, raw: bundle });
const statusOf = async (digest: string, token: string) => (await download(digest, token)).status;

describe("(a) inside one organization: a scoped token reads only what arrived through its scope", () => {
  test("a p2 token cannot download p1's material nor a p1 token's raw upload", async () => {
    expect(await statusOf(sha(CONTENT.p1), api.tokens.p1)).toBe(200);
    expect(await statusOf(sha(CONTENT.p1), api.tokens.p2)).toBe(404);
    expect((await upload("raw upload by p1\n", api.tokens.p1)).status).toBe(201);
    expect(await statusOf(sha("raw upload by p1\n"), api.tokens.p1)).toBe(200);
    expect(await statusOf(sha("raw upload by p1\n"), api.tokens.p2)).toBe(404);
    expect(await statusOf(sha("raw upload by p1\n"), api.tokens.p1build)).toBe(404); // project-wide, not the workflow's
    expect(await statusOf(sha("raw upload by p1\n"), api.tokens.org)).toBe(200);
    expect(await statusOf(sha("raw upload by p1\n"), api.tokens.other)).toBe(404);
  });

  test("an organization token's raw upload is not visible to a project or workflow token", async () => {
    expect((await upload("raw upload by org\n", api.tokens.org)).status).toBe(201);
    expect(await statusOf(sha("raw upload by org\n"), api.tokens.org)).toBe(200);
    expect(await statusOf(sha("raw upload by org\n"), api.tokens.p1)).toBe(404);
    expect(await statusOf(sha("raw upload by org\n"), api.tokens.p1build)).toBe(404);
  });

  test("the same bytes uploaded by p2 become p2's, under p2's name; p1's name never shows", async () => {
    await upload("shared raw\n", api.tokens.p1);
    const mine = await api.req("POST", "/api/v1/blobs?name=mine.txt", { token: api.tokens.p2, raw: "shared raw\n" });
    expect(mine.status).toBe(201);
    const r = await download(sha("shared raw\n"), api.tokens.p2);
    expect([r.status, r.headers.get("content-disposition")]).toEqual([200, 'attachment; filename="mine.txt"']);
  });
});

describe("(b) across organizations: citing a digest as uploaded needs an upload of one's own", () => {
  test("organization other cites default's digest: 422 naming it, nothing stored, run still initialized, not downloadable; after its own upload, accepted", async () => {
    const digest = sha(CONTENT.p1);
    const c = await craft(api.s, other, { stolen: CONTENT.p1 }, { workflow: "job", project: "o" }, false, false);
    const bundle = await c.sign();
    const before = counts(api.s.app);
    const refused = await push(bundle, api.tokens.other);
    expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([422, "VERIFY_FAILED", { missing: [digest] }]);
    expect(refused.body.error.message).toBe(`material marked as uploaded was not uploaded to this organization: ${digest}`);
    expect(refused.body.error.hint).toContain("upload them with this token first");
    expect(counts(api.s.app)).toEqual(before);
    expect((await api.req("GET", `/api/v1/runs/${c.runId}`, { token: api.tokens.other })).body.run.state).toBe("initialized");
    expect(await statusOf(digest, api.tokens.other)).toBe(404);

    expect((await upload(CONTENT.p1, api.tokens.other)).status).toBe(201);
    const accepted = await push(bundle, api.tokens.other);
    expect([accepted.status, accepted.body.created]).toEqual([201, true]);
    const r = await download(digest, api.tokens.other);
    expect([r.status, r.text]).toEqual([200, CONTENT.p1]);
  });

  test("the refusal reads the same whether the bytes exist in another organization or nowhere", async () => {
    const elsewhere = sha(CONTENT.p2);
    const a = await craft(api.s, other, { stolen: CONTENT.p2 }, { workflow: "job", project: "o" }, false, false);
    const inOther = await push(await a.sign(), api.tokens.other);
    const b = await craft(api.s, other, { gone: "exists nowhere\n" }, { workflow: "job", project: "o" }, false, false);
    rmSync(api.s.app.blobs.pathFor!(b.materials[0]!));
    const nowhere = await push(await b.sign(), api.tokens.other);
    expect([inOther.status, nowhere.status]).toEqual([422, 422]);
    expect(inOther.text).toBe(nowhere.text.replaceAll(b.materials[0]!, elsewhere));
  });
});

describe("(c) every digest a token may not download gets the 404 a nonexistent digest gets, byte for byte", () => {
  /** The body for `digest` equals the body for a digest that exists nowhere, after putting the digest in. */
  async function sameAsAbsent(token: string, digests: Record<string, string>): Promise<void> {
    const absent = sha("no such blob anywhere");
    const none: Reply = await download(absent, token);
    expect(none.status).toBe(404);
    for (const [what, digest] of Object.entries(digests)) {
      const r = await download(digest, token);
      expect([what, r.status, r.text]).toEqual([what, 404, none.text.replaceAll(absent, digest)]);
      expect(r.headers.get("content-type")).toBe(none.headers.get("content-type"));
    }
  }

  test("a project token: another project's material, another organization's, digest-only", async () => {
    await sameAsAbsent(api.tokens.p2, { "out of scope": sha(CONTENT.p1), "other organization": sha(CONTENT.other), "digest only": sha(STRING_VALUE) });
  });

  test("a workflow token: its project's other workflow's material", async () => {
    await sameAsAbsent(api.tokens.p1build, { "other workflow": sha(CONTENT.p1test), "digest only": sha(STRING_VALUE) });
  });

  test("an organization token: another organization's, digest-only; and the other organization for this one's", async () => {
    await sameAsAbsent(api.tokens.org, { "other organization": sha(CONTENT.other), "digest only": sha(STRING_VALUE) });
    await sameAsAbsent(api.tokens.other, { "other organization": sha(CONTENT.p2), bundle: api.runs.p1build.digest });
  });
});
