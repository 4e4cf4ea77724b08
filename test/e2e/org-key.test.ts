import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Sandbox } from "./harness.ts";

interface Key {
  name: string;
  algorithm: string;
  keyId: string;
  status: string;
  removedAt: string | null;
  publicKey: string;
}

function rows<T>(sb: Sandbox, sql: string): T[] {
  const db = new Database(join(sb.home, "cairn.db"), { readonly: true });
  try {
    return db.query(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe("org key add|list|remove through the compiled binary", () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  test("add registers public keys (ECDSA and Ed25519) and refuses private keys, duplicates and missing files", () => {
    sb.ok(["keys", "generate", "--output-prefix", "ci"]);
    sb.ok(["keys", "generate", "--output-prefix", "rel", "--kind", "ed25519"]);
    const ci = sb.json<Key>(["org", "key", "add", "--name", "ci", "--key", "ci.pub"], { CAIRN_FIXED_TIME: "2030-01-01T00:00:00Z" });
    expect([ci.name, ci.algorithm, ci.status]).toEqual(["ci", "ecdsa-p256", "active"]);
    expect(ci.keyId).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const table = sb.ok(["org", "key", "add", "--name", "release", "--key", "rel.pub"], { CAIRN_FIXED_TIME: "2030-01-01T00:00:01Z" });
    expect(table.stdout).toContain("ed25519");
    expect(table.stderr).toContain("key release registered in organization default");

    const priv = sb.run(["org", "key", "add", "--name", "x", "--key", "ci.key"]);
    expect([priv.code, priv.stderr]).toEqual([1, expect.stringContaining("--key ci.key: is a private key")]);
    expect(priv.stderr).toContain("cosign.pub");
    const dupName = sb.run(["org", "key", "add", "--name", "ci", "--key", "rel.pub"]);
    expect([dupName.code, dupName.stderr]).toEqual([1, expect.stringContaining("a key named ci is already registered")]);
    const dupKey = sb.run(["org", "key", "add", "--name", "again", "--key", "ci.pub"]);
    expect([dupKey.code, dupKey.stderr]).toEqual([1, expect.stringContaining("already registered in organization default as ci")]);
    const missing = sb.run(["org", "key", "add", "--name", "x", "--key", "nope.pub"]);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining("--key nope.pub: file not found")]);
    expect(sb.run(["org", "key", "add", "--name", "Bad_Name", "--key", "ci.pub"]).code).toBe(2);

    expect(rows<{ name: string; algorithm: string }>(sb, "SELECT name, algorithm FROM org_keys ORDER BY name")).toEqual([
      { name: "ci", algorithm: "ecdsa-p256" },
      { name: "release", algorithm: "ed25519" },
    ]);
  });

  test("list pages (table and json); remove is soft and listed with --status removed; keys are per organization", () => {
    const page = sb.json<{ items: Key[]; next?: string }>(["org", "key", "list", "--limit", "1"]);
    expect(page.items.map((k) => k.name)).toEqual(["ci"]);
    const rest = sb.json<{ items: Key[]; next?: string }>(["org", "key", "list", "--limit", "1", "--next", page.next!]);
    expect([rest.items.map((k) => k.name), rest.next]).toEqual([["release"], undefined]);
    expect(sb.ok(["org", "key", "list"]).stdout).toMatch(/│ ci\s+│ ecdsa-p256 │/);

    const removed = sb.json<Key>(["org", "key", "remove", "--name", "ci"], { CAIRN_FIXED_TIME: "2030-02-01T00:00:00Z" });
    expect([removed.status, removed.removedAt]).toEqual(["removed", "2030-02-01T00:00:00.000Z"]);
    const again = sb.run(["org", "key", "remove", "--name", "ci"]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining("--name ci: no key of that name is registered in organization default")]);
    expect(sb.json<{ items: Key[] }>(["org", "key", "list"]).items.map((k) => k.name)).toEqual(["release"]);
    expect(sb.json<{ items: Key[] }>(["org", "key", "list", "--status", "removed"]).items.map((k) => k.name)).toEqual(["ci"]);
    expect(sb.run(["org", "key", "list", "--status", "gone"]).code).toBe(2);
    expect(rows<{ n: number }>(sb, "SELECT count(*) AS n FROM org_keys WHERE removed_at IS NOT NULL")).toEqual([{ n: 1 }]);

    // the same key may be registered again, and in another organization
    sb.ok(["org", "key", "add", "--name", "ci", "--key", "ci.pub"]);
    sb.ok(["org", "create", "--name", "acme"]);
    expect(sb.json<{ items: Key[] }>(["org", "key", "list"], { CAIRN_ORG: "acme" }).items).toEqual([]);
    sb.ok(["org", "key", "add", "--name", "ci", "--key", "ci.pub"], { CAIRN_ORG: "acme" });
    expect(sb.json<{ items: Key[] }>(["org", "key", "list"], { CAIRN_ORG: "acme" }).items.map((k) => k.name)).toEqual(["ci"]);
  });
});
