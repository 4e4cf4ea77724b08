import { afterEach, describe, expect, test } from "bun:test";
import type { TokenRecord } from "../../store/org-port.ts";
import { expectCode } from "../../test-helpers.ts";
import { TempStore, ManualClock } from "./store-fixture.testutil.ts";
import { TokenCache } from "./token-cache.ts";
import { authenticateToken, createToken, revokeToken, tokenHash } from "./tokens.ts";
import { createWorkflow, deleteWorkflow } from "./workflows.ts";

const record = (id: string, workflowId: string | null = null): TokenRecord => ({
  id, orgId: "o", orgName: "default", name: id, description: null, projectId: null, workflowId, admin: false, role: "attestor", createdBy: "local",
  project: null, workflow: null, workflowDeleted: false, createdAt: "2025-01-01T00:00:00.000Z", expiresAt: null, revokedAt: null, lastUsedAt: null,
});

/** A cache on a hand-moved monotonic clock, proven live at `t` = 0. */
function cacheAt(o: { max?: number } = {}): { cache: TokenCache; move(ms: number): void } {
  let t = 0;
  const cache = new TokenCache({ ...o, ttlMs: 5000, liveWindowMs: 1000, now: () => t });
  cache.pong(0);
  return { cache, move: (ms) => void (t += ms) };
}

describe("TokenCache", () => {
  test("serves an entry for the TTL, then reads again", () => {
    const { cache, move } = cacheAt();
    cache.put("h", record("a"), cache.generation());
    for (let i = 0; i < 4; i++) {
      expect(cache.get("h")?.id).toBe("a");
      move(900);
      cache.pong(i * 900 + 800); // pings keep coming back
    }
    move(1400); // 5 s after the put
    cache.pong(4900);
    expect(cache.get("h")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test("nothing is cached or served until a ping came back, nor once the newest is older than the window", () => {
    let t = 0;
    const cache = new TokenCache({ liveWindowMs: 1000, now: () => t });
    cache.put("h", record("a"), cache.generation());
    expect([cache.get("h"), cache.size]).toEqual([undefined, 0]);
    cache.pong(0);
    cache.put("h", record("a"), cache.generation());
    t = 1000;
    expect(cache.get("h")?.id).toBe("a"); // a ping sent 1000 ms ago proves delivery up to then: still in bound
    t = 1001;
    expect(cache.get("h")).toBeUndefined();
    expect(cache.size).toBe(0); // dropped: a revocation may have been missed
    cache.pong(1001);
    expect(cache.get("h")).toBeUndefined(); // live again, but from an empty cache
  });

  test("a pong of an older ping than the newest seen does not move the proof back", () => {
    const { cache, move } = cacheAt();
    cache.pong(900);
    cache.pong(100);
    cache.put("h", record("a"), cache.generation());
    move(1900);
    expect(cache.get("h")?.id).toBe("a");
  });

  test("revocation and workflow deletion drop their entries; others stay", () => {
    const { cache } = cacheAt();
    for (const [h, r] of [["h1", record("a")], ["h2", record("b", "wf1")], ["h3", record("c", "wf2")]] as const) cache.put(h, r, cache.generation());
    cache.revoked("a");
    cache.workflowDeleted("wf1");
    expect([cache.get("h1"), cache.get("h2"), cache.get("h3")?.id]).toEqual([undefined, undefined, "c"]);
  });

  test("a read begun before a drop is not cached (it may predate the revocation)", () => {
    const { cache } = cacheAt();
    const gen = cache.generation();
    cache.revoked("a"); // the notice arrives while the store read is in flight
    cache.put("h", record("a"), gen);
    expect(cache.get("h")).toBeUndefined();
    cache.put("h", record("a"), cache.generation());
    expect(cache.get("h")?.id).toBe("a");
  });

  test("reset (the feed re-subscribed) drops everything and waits for a new ping", () => {
    const { cache } = cacheAt();
    cache.put("h", record("a"), cache.generation());
    cache.reset();
    expect(cache.size).toBe(0);
    cache.put("h", record("a"), cache.generation());
    expect(cache.get("h")).toBeUndefined();
  });

  test("bounded: past max entries the oldest goes", () => {
    const { cache } = cacheAt({ max: 3 });
    for (const id of ["a", "b", "c", "d"]) cache.put(`h${id}`, record(id), cache.generation());
    expect(cache.size).toBe(3);
    expect([cache.get("ha"), cache.get("hd")?.id]).toEqual([undefined, "d"]);
  });
});

describe("authenticateToken with a token cache", () => {
  let store: TempStore;
  afterEach(() => store.cleanup());

  async function setup() {
    store = new TempStore();
    const clock = new ManualClock();
    const base = await store.open({}, clock);
    const cache = new TokenCache({ liveWindowMs: 60_000 }); // proven live by hand (the PostgreSQL tests run the real feed)
    cache.pong(performance.now());
    return { clock, app: { ...base, tokenCache: cache }, cache };
  }

  test("a cached token is served from the cache; the revoking replica drops it at once", async () => {
    const { app, cache } = await setup();
    const t = await createToken(app, { name: "ci" });
    await authenticateToken(app, t.token);
    expect(cache.get(tokenHash(t.token))?.id).toBe(t.id);
    await app.orgs.revokeToken(t.id, app.clock.now().toISOString()); // behind the cache's back: no notice
    expect((await authenticateToken(app, t.token)).tokenId).toBe(t.id); // served from the cache
    await revokeToken(app, { id: t.id }); // the service drops it (and PostgreSQL notifies the other replicas)
    expect((await expectCode(() => authenticateToken(app, t.token), "UNAUTHENTICATED")).details).toEqual({ reason: "is revoked" });
  });

  test("expires_at holds to the millisecond for a cached token", async () => {
    const { app, clock } = await setup();
    const t = await createToken(app, { name: "short", expiration: "1h" });
    await authenticateToken(app, t.token);
    clock.advance(3_600_000 - 1);
    await authenticateToken(app, t.token);
    clock.advance(1);
    expect((await expectCode(() => authenticateToken(app, t.token), "UNAUTHENTICATED")).details).toEqual({ reason: "is expired" });
  });

  test("last_used_at: one write a minute with the cache on, as without", async () => {
    const { app, clock } = await setup();
    const t = await createToken(app, { name: "ci" });
    const first = clock.now().toISOString();
    await authenticateToken(app, t.token);
    const orgId = (await app.repo.findOrg("default"))!.id;
    const stored = async () => (await app.orgs.getToken(orgId, t.id))!.lastUsedAt;
    expect(await stored()).toBe(first);
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      await authenticateToken(app, t.token);
    }
    expect(await stored()).toBe(first); // 50 s: no write
    clock.advance(10_000);
    await authenticateToken(app, t.token);
    expect(await stored()).toBe(clock.now().toISOString()); // 60 s: one write, and the cached record knows it
    clock.advance(10_000);
    await authenticateToken(app, t.token);
    expect(await stored()).not.toBe(clock.now().toISOString());
  });

  test("deleting a workflow drops the tokens scoped to it", async () => {
    const { app } = await setup();
    await createWorkflow(app, { name: "build", project: "p" });
    const t = await createToken(app, { name: "wf", project: "p", workflow: "build" });
    await authenticateToken(app, t.token);
    await deleteWorkflow(app, { name: "build", project: "p" });
    expect((await expectCode(() => authenticateToken(app, t.token), "UNAUTHENTICATED")).details).toEqual({ reason: "is scoped to a deleted workflow" });
  });
});
