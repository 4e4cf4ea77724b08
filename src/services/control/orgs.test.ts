import { afterEach, describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { createOrg, listOrgs, setCurrentOrg, setMaxBlobBytes } from "./orgs.ts";
import { TempStore } from "./store-fixture.testutil.ts";

let store: TempStore;
afterEach(() => store.cleanup());

describe("organizations", () => {
  test("create validates DNS-1123 names and refuses duplicates", async () => {
    store = new TempStore();
    const app = await store.open();
    expect((await createOrg(app, { name: "acme" }))).toMatchObject({ name: "acme", current: false });
    await expectCode(() => createOrg(app, { name: "acme" }), "ALREADY_EXISTS");
    for (const bad of ["Acme", "-acme", "acme-", "ac_me", "", "a".repeat(64)]) await expectCode(() => createOrg(app, { name: bad }), "USAGE");
    expect((await createOrg(app, { name: "a".repeat(63) })).name).toBe("a".repeat(63));
  });

  test("list is by name, marks the current one, creates the default on first use and paginates", async () => {
    store = new TempStore();
    const app = await store.open();
    for (const n of ["zeta", "beta", "alpha"]) await createOrg(app, { name: n });
    const all = await listOrgs(app, {});
    expect(all.items.map((o) => [o.name, o.current])).toEqual([
      ["alpha", false],
      ["beta", false],
      ["default", true],
      ["zeta", false],
    ]);
    expect(all.next).toBeUndefined();
    const p1 = await listOrgs(app, { limit: 3 });
    expect(p1.items.map((o) => o.name)).toEqual(["alpha", "beta", "default"]);
    const p2 = await listOrgs(app, { limit: 3, next: p1.next });
    expect(p2.items.map((o) => o.name)).toEqual(["zeta"]);
    expect(p2.next).toBeUndefined();
  });

  test("set stores the current org: later contexts use it; CAIRN_ORG still wins; unknown orgs are refused", async () => {
    store = new TempStore();
    const app = await store.open();
    await createOrg(app, { name: "acme" });
    await expectCode(() => setCurrentOrg(app, { name: "nope" }), "NOT_FOUND");
    expect(await setCurrentOrg(app, { name: "acme" })).toEqual({ name: "acme", previous: "default" });
    expect((await store.open()).config.organization).toBe("acme");
    expect((await listOrgs(await store.open(), {})).items.filter((o) => o.current).map((o) => o.name)).toEqual(["acme"]);
    const env = await store.open({ CAIRN_ORG: "other" });
    expect(env.config.organization).toBe("other");
    await createOrg(env, { name: "third" });
    expect(await setCurrentOrg(env, { name: "third" })).toEqual({ name: "third", previous: "acme", overriddenBy: "other" });
    expect((await setCurrentOrg(await store.open(), { name: "default" })).name).toBe("default");
    expect((await store.open()).config.organization).toBe("default");
  });

  test("a run recorded after `org set` belongs to the chosen organization", async () => {
    store = new TempStore();
    await createOrg(await store.open(), { name: "acme" });
    await setCurrentOrg(await store.open(), { name: "acme" });
    const app = await store.open();
    const { bundle } = await store.push(app, "build", "skynet", "payload\n");
    expect((await app.repo.findAttestation(bundle))!.orgId).toBe((await app.repo.findOrg("acme"))!.id);
    expect(await app.repo.findWorkflow((await app.repo.findOrg("acme"))!.id, "skynet", "build")).toBeDefined();
    expect(await app.repo.findOrg("default")).toBeUndefined();
  });

  test("a cursor from elsewhere is a usage error", async () => {
    store = new TempStore();
    await expectCode(async () => listOrgs(await store.open(), { next: "garbage" }), "USAGE");
    await expectCode(async () => listOrgs(await store.open(), { next: Buffer.from("[1,2]").toString("base64url") }), "USAGE");
  });

  test("the per-organization blob limit is set, read back, and reset to the server default", async () => {
    store = new TempStore();
    const app = await store.open();
    await createOrg(app, { name: "acme" });
    expect(await setMaxBlobBytes(app, { name: "acme", maxBlobBytes: 1024 })).toEqual({ name: "acme", maxBlobBytes: 1024 });
    expect(await app.orgs.maxBlobBytes((await app.orgs.getOrg("acme"))!.id)).toBe(1024);
    expect((await setMaxBlobBytes(app, { name: "acme", maxBlobBytes: null })).maxBlobBytes).toBeNull();
    expect((await setMaxBlobBytes(app, { maxBlobBytes: 5 })).name).toBe("default"); // the current organization
    await expectCode(() => setMaxBlobBytes(app, { name: "ghost", maxBlobBytes: 5 }), "NOT_FOUND");
    await expectCode(() => setMaxBlobBytes(app, { name: "acme", maxBlobBytes: 0 }), "USAGE");
  });
});
