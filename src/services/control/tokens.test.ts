import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { createOrg, setCurrentOrg } from "./orgs.ts";
import { ManualClock, TempStore } from "./store-fixture.testutil.ts";
import { authenticateToken, createToken, listTokens, revokeToken } from "./tokens.ts";

let store: TempStore;
afterEach(() => store.cleanup());

const HOUR = 3_600_000;

function tokenRows(s: TempStore): { name: string; token_hash: string }[] {
  const db = new Database(join(s.home, "cairn.db"), { readonly: true });
  try {
    return db.query("SELECT name, token_hash FROM api_tokens ORDER BY name").all() as { name: string; token_hash: string }[];
  } finally {
    db.close();
  }
}

describe("API tokens", () => {
  test("the token is returned once; only its sha256 is stored; lists never show it", async () => {
    store = new TempStore();
    const app = await store.open();
    const t = await createToken(app, { name: "ci", description: "for CI" });
    expect(t.token).toMatch(/^cairn_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t.token.slice(6), "base64url")).toHaveLength(32);
    expect(t).toMatchObject({ name: "ci", description: "for CI", project: null, workflow: null, status: "active", expiresAt: null, revokedAt: null });
    expect(tokenRows(store)).toEqual([{ name: "ci", token_hash: createHash("sha256").update(t.token).digest("hex") }]);
    const listed = await listTokens(app, {});
    expect(listed.items.map((x) => x.id)).toEqual([t.id]);
    expect(JSON.stringify(listed)).not.toContain(t.token.slice(6));
    expect((await createToken(app, { name: "ci2" })).token).not.toBe(t.token);
  });

  test("scope: --workflow needs --project; both must exist in the current organization", async () => {
    store = new TempStore();
    const app = await store.open();
    await store.push(app, "build", "skynet", "x\n");
    await expectCode(() => createToken(app, { name: "a", workflow: "build" }), "USAGE");
    await expectCode(() => createToken(app, { name: "a", project: "nope" }), "NOT_FOUND");
    await expectCode(() => createToken(app, { name: "a", project: "skynet", workflow: "nope" }), "NOT_FOUND");
    const p = await createToken(app, { name: "proj", project: "skynet" });
    expect([p.project, p.workflow]).toEqual(["skynet", null]);
    const w = await createToken(app, { name: "wf", project: "skynet", workflow: "build" });
    expect([w.project, w.workflow]).toEqual(["skynet", "build"]);
    const ids = await authenticateToken(app, w.token);
    const wf = (await app.repo.findWorkflow(ids.orgId, "skynet", "build"))!;
    expect(ids).toEqual({ tokenId: w.id, tokenName: "wf", role: "attestor", orgId: wf.orgId, orgName: "default", admin: false, projectId: wf.projectId, workflowId: wf.id });
    // another organization does not see skynet
    await createOrg(app, { name: "other" });
    await setCurrentOrg(app, { name: "other" });
    await expectCode(async () => createToken(await store.open(), { name: "x", project: "skynet" }), "NOT_FOUND");
  });

  test("names are DNS-1123 and unique among live tokens; expiration must be a positive duration", async () => {
    store = new TempStore();
    const app = await store.open();
    await expectCode(() => createToken(app, { name: "Bad_Name" }), "USAGE");
    await expectCode(() => createToken(app, { name: "a", expiration: "tomorrow" }), "USAGE");
    await expectCode(() => createToken(app, { name: "a", expiration: "0h" }), "USAGE");
    const first = await createToken(app, { name: "dup" });
    await expectCode(() => createToken(app, { name: "dup" }), "ALREADY_EXISTS");
    await revokeToken(app, { id: first.id });
    expect((await createToken(app, { name: "dup" })).name).toBe("dup");
  });

  test("expiry, revocation and status filters; authenticate refuses all but active tokens", async () => {
    store = new TempStore();
    const clock = new ManualClock();
    const app = await store.open({}, clock);
    const short = await createToken(app, { name: "short", expiration: "1h" });
    expect(short.expiresAt).toBe("2025-01-01T01:00:00.000Z");
    clock.advance(1000);
    const long = await createToken(app, { name: "long", expiration: "30d" });
    clock.advance(1000);
    const gone = await createToken(app, { name: "gone" });
    const malformed = await expectCode(() => authenticateToken(app, "cairn_nope"), "UNAUTHENTICATED");
    expect(malformed.details).toEqual({ reason: "is malformed" });
    const unknown = await expectCode(() => authenticateToken(app, `cairn_${"A".repeat(43)}`), "UNAUTHENTICATED");
    expect(unknown.details).toEqual({ reason: "is not known" });

    clock.advance(HOUR - 3000);
    expect((await authenticateToken(app, short.token)).tokenId).toBe(short.id); // 1 s before it expires
    clock.advance(2000);
    expect((await expectCode(async () => await authenticateToken(app, short.token), "UNAUTHENTICATED")).details).toEqual({ reason: "is expired" });

    const r = await revokeToken(app, { id: gone.id });
    expect([r.status, r.alreadyRevoked, r.revokedAt]).toEqual(["revoked", false, clock.now().toISOString()]);
    clock.advance(1000);
    const again = await revokeToken(app, { id: gone.id });
    expect([again.alreadyRevoked, again.revokedAt]).toEqual([true, r.revokedAt]);
    expect((await expectCode(async () => await authenticateToken(app, gone.token), "UNAUTHENTICATED")).details).toEqual({ reason: "is revoked" });
    await expectCode(() => revokeToken(app, { id: "no-such-id" }), "NOT_FOUND");

    const names = async (status?: string) => (await listTokens(app, { status })).items.map((t) => `${t.name}:${t.status}`);
    expect(await names()).toEqual(["long:active"]);
    expect(await names("expired")).toEqual(["short:expired"]);
    expect(await names("revoked")).toEqual(["gone:revoked"]);
    expect(await names("all")).toEqual(["gone:revoked", "long:active", "short:expired"]);
    await expectCode(() => listTokens(app, { status: "dead" }), "USAGE");

    const before = (await listTokens(app, {})).items[0]!.lastUsedAt;
    expect(before).toBeNull();
    expect(await authenticateToken(app, long.token)).toEqual({ tokenId: long.id, tokenName: "long", role: "attestor", orgId: (await app.repo.findOrg("default"))!.id, orgName: "default", admin: false });
    const first = clock.now().toISOString();
    expect((await listTokens(app, {})).items[0]!.lastUsedAt).toBe(first);
    clock.advance(30_000); // within a minute: no write per request
    await authenticateToken(app, long.token);
    expect((await listTokens(app, {})).items[0]!.lastUsedAt).toBe(first);
    clock.advance(30_000);
    await authenticateToken(app, long.token);
    expect((await listTokens(app, {})).items[0]!.lastUsedAt).toBe(clock.now().toISOString());
  });

  test("list paginates newest first with keyset cursors", async () => {
    store = new TempStore();
    const clock = new ManualClock();
    const app = await store.open({}, clock);
    for (const n of ["t1", "t2", "t3", "t4", "t5"]) {
      await createToken(app, { name: n });
      clock.advance(1000);
    }
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await listTokens(app, { limit: 2, next });
      seen.push(page.items.map((t) => t.name).join(","));
      next = page.next;
    } while (next);
    expect(seen).toEqual(["t5,t4", "t3,t2", "t1"]);
  });

  test("a token scoped to a since-deleted workflow no longer authenticates", async () => {
    store = new TempStore();
    const app = await store.open();
    await store.push(app, "build", "skynet", "x\n");
    const t = await createToken(app, { name: "wf", project: "skynet", workflow: "build" });
    const db = new Database(join(store.home, "cairn.db"));
    db.query("UPDATE workflows SET deleted_at = '2025-01-02T00:00:00.000Z'").run();
    db.close();
    expect((await expectCode(async () => await authenticateToken(app, t.token), "UNAUTHENTICATED")).details).toEqual({ reason: "is scoped to a deleted workflow" });
  });
});
