// The client against the in-process fake registry: native referrers, auth flows, retries, redirects.
import { afterEach, describe, expect, test } from "bun:test";
import { createOciClient } from "./client.ts";
import { startFakeRegistry, type FakeRegistry, type FakeRegistryOptions } from "./fake-registry.testutil.ts";
import { sha256Digest } from "./manifests.ts";
import { pushArtifact } from "./oras.ts";
import { fallbackTag } from "./referrers.ts";
import { MEDIA, type RegistryOptions } from "./types.ts";

const running: FakeRegistry[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});
async function fake(opts?: FakeRegistryOptions): Promise<FakeRegistry> {
  const r = await startFakeRegistry(opts);
  running.push(r);
  return r;
}
const clientFor = (r: FakeRegistry, o: Partial<RegistryOptions> = {}) =>
  createOciClient({ registry: r.host, insecureHttp: true, backoffMs: 1, chunkBytes: 64, ...o });
async function* one(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}
const enc = (s: string) => new TextEncoder().encode(s);
const creds = { username: "alice", password: "pw:1" };

async function pushPair(c: ReturnType<typeof clientFor>, repo = "team/app") {
  const image = await pushArtifact(c, { repository: repo, artifactType: "application/vnd.example", files: [], tag: "v1" });
  const att = await pushArtifact(c, {
    repository: repo, artifactType: MEDIA.sigstoreBundle, subject: image.manifest, annotations: { b: "2", a: "1" },
    files: [{ mediaType: MEDIA.sigstoreBundle, title: "b.json", source: { chunks: one(enc("x".repeat(200))) } }],
  });
  return { image, att };
}

describe("client against the fake registry", () => {
  test("tags follow Link pagination", async () => {
    const r = await fake();
    const c = clientFor(r);
    for (const t of ["a", "b", "c", "d", "e"]) await c.putManifest("p/q", t, enc(`{"schemaVersion":2,"t":"${t}"}`), MEDIA.ociManifest);
    r.store.tagPageSize = 2;
    expect(await c.listTags("p/q")).toEqual(["a", "b", "c", "d", "e"]);
    expect(r.requests.filter((q) => q.path.includes("tags/list"))).toHaveLength(3);
  });

  test("native referrers: OCI-Subject echoed, no fallback tag, filter by artifactType", async () => {
    const r = await fake();
    const c = clientFor(r);
    const { image, att } = await pushPair(c);
    expect(att.referrers).toBe("native");
    expect(await c.listTags("team/app")).toEqual(["v1"]);
    expect(await c.referrers("team/app", image.manifest.digest)).toEqual([att.manifest]);
    expect(await c.referrers("team/app", image.manifest.digest, "application/other")).toEqual([]);
    expect(att.manifest.annotations).toEqual({ a: "1", b: "2" });
    // 200 bytes in 64-byte chunks: PATCHes with contiguous ranges then the PUT carrying the rest
    const ranges = r.requests.filter((q) => q.method === "PATCH").map((q) => q.contentRange);
    expect(ranges).toEqual(["0-63", "64-127", "128-191"]);
    expect(r.requests.some((q) => q.method === "PUT" && q.path.includes("?_state=") && q.path.includes("&digest=sha256%3A"))).toBe(true);
  });

  test("referrers API off: tag-fallback index, kept in sync with If-Match", async () => {
    const r = await fake({ referrers: false });
    const c = clientFor(r);
    const { image, att } = await pushPair(c);
    expect(att.referrers).toBe("tag-fallback");
    const indexPuts = () => r.requests.filter((q) => q.method === "PUT" && q.path.includes(fallbackTag(image.manifest.digest)));
    expect(indexPuts()[0]?.ifMatch).toBeUndefined(); // new index: nothing to match
    const index = await c.getManifest("team/app", fallbackTag(image.manifest.digest));
    expect(index.mediaType).toBe(MEDIA.ociIndex);
    const second = await pushArtifact(c, { repository: "team/app", artifactType: "application/vnd.other", subject: image.manifest, files: [] });
    expect(indexPuts()[1]?.ifMatch).toBe(`"${index.digest}"`); // updated with the ETag it was read with
    expect((await c.referrers("team/app", image.manifest.digest)).map((d) => d.digest)).toEqual([att.manifest.digest, second.manifest.digest]);
    expect(await c.referrers("team/app", image.manifest.digest, "application/vnd.other")).toEqual([second.manifest]);
    expect(await c.referrers("team/app", `sha256:${"1".repeat(64)}`)).toEqual([]);
  });

  test("a concurrent update of the fallback index (412 on If-Match) is re-read and retried: nothing is lost", async () => {
    const r = await fake({ referrers: false });
    const plain = clientFor(r);
    const { image } = await pushPair(plain);
    let raced = false;
    const racing: typeof fetch = Object.assign(async (input: string | URL | Request, init?: RequestInit) => {
      const ifMatch = (init?.headers as Record<string, string> | undefined)?.["if-match"];
      if (ifMatch && !raced) {
        raced = true; // another writer lands between our GET and our PUT
        await pushArtifact(plain, { repository: "team/app", artifactType: "application/vnd.racer", subject: image.manifest, files: [] });
      }
      return fetch(input, init);
    }, { preconnect: fetch.preconnect });
    const mine = await pushArtifact(clientFor(r, { fetch: racing }), { repository: "team/app", artifactType: "application/vnd.mine", subject: image.manifest, files: [] });
    expect(raced).toBe(true);
    const types = (await plain.referrers("team/app", image.manifest.digest)).map((d) => d.artifactType);
    expect(types).toEqual([MEDIA.sigstoreBundle, "application/vnd.racer", "application/vnd.mine"]);
    expect(mine.referrers).toBe("tag-fallback");
  });

  test("bearer: anonymous first, token per scope from the realm with basic credentials, reused", async () => {
    const r = await fake({ auth: { kind: "bearer", ...creds } });
    const c = clientFor(r, { credentials: creds });
    await c.ping();
    await pushPair(c);
    expect(r.tokens.length).toBeGreaterThan(0);
    expect(r.tokens.every((t) => t.basicUser === "alice")).toBe(true);
    const scopes = new Set(r.tokens.map((t) => t.scopes.join(" ")));
    expect(scopes.size).toBe(r.tokens.length); // one token per scope, never refetched
    expect(r.requests[0]?.authorization).toBeUndefined();
  });

  test("bearer without credentials: UNAUTHENTICATED naming the registry and the fix", async () => {
    const r = await fake({ auth: { kind: "bearer", ...creds, anonymousPull: true } });
    const c = clientFor(r);
    expect(await c.headManifest("team/app", "v1")).toBeUndefined(); // anonymous pull token works
    const err = await pushArtifact(c, { repository: "team/app", artifactType: "x/y", files: [] }).catch((e) => e);
    expect(err.code).toBe("UNAUTHENTICATED");
    expect(err.message).toContain(r.host);
    expect(err.hint).toContain("--password-env");
    const bad = await clientFor(r, { credentials: { username: "alice", password: "nope" } }).ping().catch((e) => e);
    expect(bad.code).toBe("UNAUTHENTICATED");
  });

  test("basic challenge: credentials sent, wrong ones refused", async () => {
    const r = await fake({ auth: { kind: "basic", ...creds } });
    await pushPair(clientFor(r, { credentials: creds }));
    expect(r.requests.filter((q) => q.authorization?.startsWith("Basic ")).length).toBeGreaterThan(3);
    await expect(clientFor(r).ping()).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  test("retries 503 and 429 (Retry-After), and gives up with NETWORK after `retries`", async () => {
    const r = await fake();
    const c = clientFor(r, { retries: 3 });
    r.failNext(3, 503);
    await c.ping();
    r.failNext(1, 429, 0);
    const pushed = await c.pushBlob("a/b", { chunks: one(enc("y".repeat(150))) });
    expect(pushed.size).toBe(150);
    r.failNext(4, 503);
    const err = await c.ping().catch((e) => e);
    expect(err.code).toBe("NETWORK");
    expect(err.message).toContain("UNAVAILABLE: injected fault");
  });

  test("a failing PATCH is resent with the same chunk", async () => {
    const r = await fake();
    const c = clientFor(r);
    const data = crypto.getRandomValues(new Uint8Array(300));
    let n = 0;
    const failing: typeof fetch = Object.assign(async (input: string | URL | Request, init?: RequestInit) => {
      if (init?.method === "PATCH" && n++ === 1) return new Response("", { status: 502 });
      return fetch(input, init);
    }, { preconnect: fetch.preconnect });
    const pushed = await clientFor(r, { fetch: failing }).pushBlob("a/b", { chunks: one(data) });
    expect(await c.readBlob("a/b", pushed.digest)).toEqual(data);
  });

  test("connection refused: NETWORK with the plain-http hint (CAIRN_INSECURE_REGISTRIES, or a CAS backend's --insecure-http)", async () => {
    const err = await createOciClient({ registry: "127.0.0.1:1", retries: 1, backoffMs: 1 }).ping().catch((e) => e);
    expect(err.code).toBe("NETWORK");
    expect(err.hint).toContain("CAIRN_INSECURE_REGISTRIES=127.0.0.1:1");
    expect(err.hint).toContain("cairn cas-backend add --insecure-http");
  });

  test("blob redirects to another origin are followed without credentials", async () => {
    const r = await fake({ auth: { kind: "basic", ...creds } });
    const cdn = await fake();
    const c = clientFor(r, { credentials: creds });
    const data = enc("redirected");
    const { digest } = await c.pushBlob("a/b", { chunks: one(data) });
    await clientFor(cdn).pushBlob("a/b", { chunks: one(data) });
    r.redirectBlobsTo(cdn.url);
    expect(await c.readBlob("a/b", digest)).toEqual(data);
    const cdnGets = cdn.requests.filter((q) => q.method === "GET");
    expect(cdnGets).toHaveLength(1);
    expect(cdnGets[0]?.authorization).toBeUndefined();
  });

  test("served bytes that do not match the digest are INTEGRITY", async () => {
    const r = await fake();
    const c = clientFor(r);
    const { digest } = await c.pushBlob("a/b", { chunks: one(enc("good")) });
    r.store.blobs.get("a/b")?.set(digest, enc("evil"));
    await expect(c.readBlob("a/b", digest)).rejects.toMatchObject({ code: "INTEGRITY" });
    const m = enc('{"schemaVersion":2}');
    await c.putManifest("a/b", "t", m, MEDIA.ociManifest);
    r.store.manifests.get("a/b")?.set(sha256Digest(m), { bytes: enc('{"schemaVersion":3}'), mediaType: MEDIA.ociManifest });
    await expect(c.getManifest("a/b", sha256Digest(m))).rejects.toMatchObject({ code: "INTEGRITY" });
  });
});
