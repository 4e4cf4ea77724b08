import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CasBackendRecord } from "../cas-backend-port.ts";
import { SqliteCasBackendRepo } from "./cas-backend-repo.ts";
import { openDatabase } from "./db.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-casbackendrepo-"));
const db = openDatabase(join(dir, "b.db"));
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
const repo = new SqliteCasBackendRepo(db);

const backend = (name: string, isDefault = false, extra: Partial<CasBackendRecord> = {}): CasBackendRecord => ({
  id: `id-${name}`,
  name,
  provider: "oci",
  location: `127.0.0.1:5000/${name}`,
  username: null,
  passwordEnv: null,
  insecureHttp: false,
  isDefault,
  createdAt: "2025-01-01T00:00:00.000Z",
  ...extra,
});

describe("SqliteCasBackendRepo", () => {
  test("stores a backend with its booleans and nullable credentials, finds it by name", () => {
    const b = backend("harbor", false, { username: "ci", passwordEnv: "HARBOR_PASSWORD", insecureHttp: true });
    repo.insert(b);
    expect(repo.findByName("harbor")).toEqual(b);
    expect(repo.findByName("nope")).toBeUndefined();
    expect(repo.findDefault()).toBeUndefined();
  });

  test("inserting a default clears the previous one; only one default survives", () => {
    repo.insert(backend("a", true));
    repo.insert(backend("b", true));
    expect(repo.findDefault()?.name).toBe("b");
    expect(repo.list().filter((x) => x.isDefault).map((x) => x.name)).toEqual(["b"]);
  });

  test("the partial unique index refuses a second default written behind the repo's back", () => {
    expect(() => db.exec("UPDATE cas_backends SET is_default = 1 WHERE name = 'a'")).toThrow(/UNIQUE/);
  });

  test("names are unique", () => {
    expect(() => repo.insert(backend("a"))).toThrow(/UNIQUE/);
  });

  test("setDefault moves the flag, undefined makes the local CAS the default again", () => {
    repo.setDefault("harbor");
    expect(repo.findDefault()?.name).toBe("harbor");
    repo.setDefault(undefined);
    expect(repo.findDefault()).toBeUndefined();
  });

  test("list is by name; remove deletes the row and frees the name", () => {
    expect(repo.list().map((x) => x.name)).toEqual(["a", "b", "harbor"]);
    repo.remove("a");
    expect(repo.list().map((x) => x.name)).toEqual(["b", "harbor"]);
    repo.insert(backend("a", false, { id: "id-a2" }));
    expect(repo.findByName("a")?.id).toBe("id-a2");
  });
});
