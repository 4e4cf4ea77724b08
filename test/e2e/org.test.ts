import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "./harness.ts";

interface Token {
  id: string;
  name: string;
  token?: string;
  status: string;
  project: string | null;
  workflow: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

function query<T>(sb: Sandbox, sql: string): T[] {
  const db = new Database(join(sb.home, "cairn.db"), { readonly: true });
  try {
    return db.query(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe("organizations through the compiled binary", () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  test("create, list (current marked), set; later commands work in the chosen organization", () => {
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    expect(sb.json<{ name: string }>(["org", "create", "--name", "acme"]).name).toBe("acme");
    expect(sb.run(["org", "create", "--name", "acme"]).code).toBe(1);
    expect(sb.run(["org", "create", "--name", "Not_Valid"]).code).toBe(2);
    expect(sb.run(["org", "set", "--name", "ghost"]).code).toBe(1);
    const before = sb.json<{ items: { name: string; current: boolean }[] }>(["org", "list"]);
    expect(before.items).toEqual([expect.objectContaining({ name: "acme", current: false }), expect.objectContaining({ name: "default", current: true })]);

    sb.ok(["org", "set", "--name", "acme"]);
    expect(sb.ok(["org", "list"]).stdout).toMatch(/│ \* │ acme/);
    writeFileSync(sb.path("app.bin"), "binary\n");
    sb.ok(["att", "init", "--workflow", "build", "--project", "skynet"]);
    sb.ok(["att", "add", "--name", "bin", "--value", "app.bin", "--kind", "ARTIFACT"]);
    sb.ok(["att", "push", "--key", "cosign.key"]);
    expect(query<{ name: string }>(sb, "SELECT o.name FROM attestations a JOIN organizations o ON o.id = a.org_id")).toEqual([{ name: "acme" }]);

    // CAIRN_ORG wins over the stored choice, and `org set` says so
    const env = { CAIRN_ORG: "default" };
    const items = sb.json<{ items: { name: string; current: boolean }[] }>(["org", "list"], env).items;
    expect(items.filter((o) => o.current).map((o) => o.name)).toEqual(["default"]);
    const set = sb.run(["org", "set", "--name", "acme"], env);
    expect([set.code, set.stderr.includes("CAIRN_ORG=default")]).toEqual([0, true]);
  });

  test("API tokens: shown once, hash stored, scoped, listed by status, revoked idempotently, expiring", () => {
    // still in acme, where skynet/build exists
    expect(sb.run(["org", "api-token", "create", "--name", "x", "--workflow", "build"]).code).toBe(2);
    expect(sb.run(["org", "api-token", "create", "--name", "x", "--project", "nope"]).code).toBe(1);
    expect(sb.run(["org", "api-token", "create", "--name", "x", "--project", "skynet", "--workflow", "nope"]).code).toBe(1);
    expect(sb.run(["org", "api-token", "create", "--name", "x", "--expiration", "soon"]).code).toBe(2);
    expect(sb.run(["org", "api-token", "create", "--name", "x", "--project", "skynet"], { CAIRN_ORG: "default" }).code).toBe(1);
    // roles: one of four, and maintainers and admins only organization-wide; nothing is made by a refused create
    const before = sb.json<{ items: unknown[] }>(["org", "api-token", "list", "--status", "all"]).items.length;
    const unknownRole = sb.run(["org", "api-token", "create", "--name", "x", "--role", "root"]);
    expect([unknownRole.code, unknownRole.stderr]).toEqual([2, expect.stringContaining("Allowed choices are viewer, attestor, maintainer, admin")]);
    const narrowAdmin = sb.run(["org", "api-token", "create", "--name", "x", "--role", "admin", "--project", "skynet", "--workflow", "build"]);
    expect([narrowAdmin.code, narrowAdmin.stderr]).toEqual([2, expect.stringContaining("ERR --role admin cannot be combined with --workflow: admins act on the whole organization")]);
    expect(sb.run(["org", "api-token", "create", "--name", "x", "--role", "maintainer", "--project", "skynet"]).code).toBe(2);
    expect(sb.json<{ items: unknown[] }>(["org", "api-token", "list", "--status", "all"]).items.length).toBe(before);

    const t0 = { CAIRN_FIXED_TIME: "2030-01-01T00:00:00Z" };
    const ci = sb.json<Token>(["org", "api-token", "create", "--name", "ci", "--project", "skynet", "--workflow", "build", "--expiration", "1h", "--description", "CI"], t0);
    expect(ci.token).toMatch(/^cairn_[A-Za-z0-9_-]{43}$/);
    expect([ci.project, ci.workflow, ci.expiresAt]).toEqual(["skynet", "build", "2030-01-01T01:00:00.000Z"]);
    const ops = sb.json<Token>(["org", "api-token", "create", "--name", "ops"], { CAIRN_FIXED_TIME: "2030-01-01T00:00:01Z" });
    const table = sb.ok(["org", "api-token", "create", "--name", "shown"], { CAIRN_FIXED_TIME: "2030-01-01T00:00:02Z" });
    expect(table.stdout).toMatch(/cairn_[A-Za-z0-9_-]{43}/);
    expect(table.stderr).toContain("not shown again");

    const hashes = query<{ name: string; token_hash: string }>(sb, "SELECT name, token_hash FROM api_tokens WHERE name IN ('ci', 'ops') ORDER BY name");
    expect(hashes).toEqual([
      { name: "ci", token_hash: createHash("sha256").update(ci.token!).digest("hex") },
      { name: "ops", token_hash: createHash("sha256").update(ops.token!).digest("hex") },
    ]);

    const list = sb.ok(["org", "api-token", "list", "--status", "all", "-o", "json"], t0).stdout;
    expect(list).not.toContain("cairn_");
    expect(list).not.toContain(hashes[0]!.token_hash);

    const names = (status: string, env = t0) =>
      sb.json<{ items: Token[] }>(["org", "api-token", "list", "--status", status], env).items.map((t) => `${t.name}:${t.status}`);
    expect(names("active")).toEqual(["shown:active", "ops:active", "ci:active"]);
    const later = { CAIRN_FIXED_TIME: "2030-01-01T02:00:00Z" };
    expect(names("expired", later)).toEqual(["ci:expired"]);

    const revoked = sb.json<Token & { alreadyRevoked: boolean }>(["org", "api-token", "revoke", "--id", ops.id], later);
    expect([revoked.status, revoked.revokedAt, revoked.alreadyRevoked]).toEqual(["revoked", "2030-01-01T02:00:00.000Z", false]);
    const again = sb.run(["org", "api-token", "revoke", "--id", ops.id]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("already revoked at 2030-01-01T02:00:00.000Z");
    expect(sb.run(["org", "api-token", "revoke", "--id", "no-such-token"]).code).toBe(1);
    expect(names("revoked", later)).toEqual(["ops:revoked"]);
    expect(names("active", later)).toEqual(["shown:active"]);
    expect(names("all", later)).toEqual(["shown:active", "ops:revoked", "ci:expired"]);
    expect(sb.run(["org", "api-token", "list", "--status", "bogus"]).code).toBe(2);
  });

  test("org update --max-blob sets the organization's serve upload limit; default resets it; remote mode refuses", () => {
    expect(sb.json<{ name: string; implicitWorkflows: boolean; maxBlobBytes: number | null }>(["org", "update", "--name", "acme", "--max-blob", "100MiB"])).toEqual({ name: "acme", implicitWorkflows: true, maxBlobBytes: 100 * 1024 * 1024 });
    expect(sb.json<{ maxBlobBytes: number | null }>(["org", "update", "--name", "acme", "--max-blob", "default"]).maxBlobBytes).toBeNull();
    expect(sb.run(["org", "update", "--max-blob", "lots"]).code).toBe(2);
    expect(sb.run(["org", "update", "--max-blob", "1MiB", "--control-plane", "http://127.0.0.1:9", "--token", "t"]).code).toBe(2);
  });
});
