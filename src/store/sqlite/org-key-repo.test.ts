import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "./db.ts";
import { SqliteOrgKeyRepo } from "./org-key-repo.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-orgkeyrepo-"));
const db = openDatabase(join(dir, "keys.db"));
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const repo = new SqliteOrgKeyRepo(db);
for (const [id, name] of [["o1", "acme"], ["o2", "other"]]) {
  db.query("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, '2025-01-01T00:00:00Z')").run(id!, name!);
}
const key = (id: string, orgId: string, name: string, keyId = `kid-${id}`) => ({
  id,
  orgId,
  name,
  algorithm: "ed25519" as const,
  publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${id}\n-----END PUBLIC KEY-----\n`,
  keyId,
  createdAt: "2025-01-01T00:00:00Z",
  createdBy: "local",
});

describe("SqliteOrgKeyRepo", () => {
  test("stores a key and finds it live by name and by key id, per organization", () => {
    repo.insertKey(key("k1", "o1", "ci"));
    expect(repo.findLiveByName("o1", "ci")).toEqual({ ...key("k1", "o1", "ci"), removedAt: null });
    expect(repo.findLiveByKeyId("o1", "kid-k1")?.name).toBe("ci");
    expect(repo.findLiveByName("o2", "ci")).toBeUndefined();
    expect(repo.findLiveByKeyId("o2", "kid-k1")).toBeUndefined();
  });

  test("the live unique indexes refuse a second live key with the same name or key id; other orgs are independent", () => {
    expect(() => repo.insertKey(key("k2", "o1", "ci"))).toThrow(/UNIQUE/);
    expect(() => repo.insertKey(key("k3", "o1", "release", "kid-k1"))).toThrow(/UNIQUE/);
    repo.insertKey(key("k4", "o2", "ci", "kid-k1"));
    expect(repo.liveKeys("o2").map((k) => k.id)).toEqual(["k4"]);
  });

  test("removal is soft and once: the name and the key become free, the row stays", () => {
    repo.removeKey("k1", "2025-02-01T00:00:00Z");
    repo.removeKey("k1", "2025-03-01T00:00:00Z");
    expect(repo.findLiveByName("o1", "ci")).toBeUndefined();
    repo.insertKey(key("k5", "o1", "ci", "kid-k1"));
    const all = repo.listKeys({ orgId: "o1", limit: 10 });
    expect(all.map((k) => [k.id, k.removedAt])).toEqual([
      ["k1", "2025-02-01T00:00:00Z"],
      ["k5", null],
    ]);
  });

  test("lists by name then id, filtered by status, in keyset pages", () => {
    repo.insertKey(key("k6", "o1", "audit"));
    repo.insertKey(key("k7", "o1", "zeta"));
    expect(repo.listKeys({ orgId: "o1", status: "active", limit: 10 }).map((k) => k.id)).toEqual(["k6", "k5", "k7"]);
    expect(repo.listKeys({ orgId: "o1", status: "removed", limit: 10 }).map((k) => k.id)).toEqual(["k1"]);
    const first = repo.listKeys({ orgId: "o1", limit: 2 });
    expect(first.map((k) => k.id)).toEqual(["k6", "k1"]);
    const rest = repo.listKeys({ orgId: "o1", limit: 10, after: { name: "ci", id: "k1" } });
    expect(rest.map((k) => k.id)).toEqual(["k5", "k7"]);
    expect(repo.liveKeys("o1").map((k) => k.name)).toEqual(["audit", "ci", "zeta"]);
  });
});
