import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CasBackendRecord } from "../cas-backend-port.ts";
import { SqliteCasBackendRepo } from "./cas-backend-repo.ts";
import { migrate, openDatabase } from "./db.ts";
import { Database } from "bun:sqlite";
import { MIGRATIONS } from "./migrations/index.ts";

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

describe("S3 backends (migration 016)", () => {
  const s3 = { bucket: "evidence", prefix: "team/a", endpoint: "https://s3.internal:9000", region: "eu-west-1", pathStyle: true, accessKeyEnv: "S3_KEY", secretKeyEnv: "S3_SECRET" };

  test("an S3 backend keeps its settings; bucket and prefix come back from the location", () => {
    const b = backend("bucket", false, { provider: "s3", location: "s3://evidence/team/a", s3 });
    repo.insert(b);
    expect(repo.findByName("bucket")).toEqual(b);
    repo.insert(backend("root", false, { provider: "s3", location: "s3://other", s3: { ...s3, bucket: "other", prefix: "", pathStyle: false } }));
    expect(repo.findByName("root")?.s3).toMatchObject({ bucket: "other", prefix: "", pathStyle: false });
    expect(repo.findByName("harbor")?.s3).toBeUndefined();
  });

  test("the CHECK ties the s3 columns to the provider: an s3 row without them, or an oci row with them, is refused", () => {
    expect(() => repo.insert(backend("half", false, { provider: "s3", location: "s3://x" }))).toThrow(/CHECK/);
    expect(() => repo.insert(backend("mixed", false, { s3 }))).toThrow(/CHECK/);
    expect(() => db.exec("INSERT INTO cas_backends (id, name, provider, location, created_at) VALUES ('g', 'gcs', 'gcs', 'gs://x', 'now')")).toThrow(/CHECK/);
  });

  test("a store from before 016 upgrades in place: its OCI backends and the default survive the table rebuild", () => {
    const old = new Database(join(dir, "old.db"), { create: true, strict: true });
    const at = MIGRATIONS.findIndex((m) => m.name === "016-s3-cas-backends");
    migrate(old, "old", MIGRATIONS.slice(0, at));
    old.exec("INSERT INTO cas_backends (id, name, provider, location, username, password_env, insecure_http, is_default, created_at) VALUES ('1', 'harbor', 'oci', 'h:5000/e', 'ci', 'PW', 1, 1, 't')");
    migrate(old, "old");
    const repo17 = new SqliteCasBackendRepo(old);
    expect(repo17.findDefault()).toEqual({ id: "1", name: "harbor", provider: "oci", location: "h:5000/e", username: "ci", passwordEnv: "PW", insecureHttp: true, isDefault: true, createdAt: "t" });
    expect(() => repo17.insert(backend("second", true))).not.toThrow();
    expect(repo17.list().filter((b) => b.isDefault).map((b) => b.name)).toEqual(["second"]); // the one-default index is back
    old.close();
  });
});
