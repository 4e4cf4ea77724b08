/** Test support: the CasBackendRepo contract (one default at most, even when replicas change it at once), as each store runs it. */
import { describe, expect, test } from "bun:test";
import type { CasBackendRecord, CasBackendRepo } from "../cas-backend-port.ts";
import type { OpenStore } from "./contract-store.testutil.ts";

export interface CasBackendPorts {
  casBackends: CasBackendRepo;
  /** The same store over another connection: another replica of `cairn serve`. */
  replica(): Promise<CasBackendRepo>;
}

export const backend = (name: string, isDefault = false, extra: Partial<CasBackendRecord> = {}): CasBackendRecord => ({
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
const s3 = { bucket: "evidence", prefix: "team/a", endpoint: "https://s3.internal:9000", region: "eu-west-1", pathStyle: true, accessKeyEnv: "S3_KEY", secretKeyEnv: "S3_SECRET" };

export function casBackendContract(name: string, open: OpenStore<CasBackendPorts>): void {
  describe(`CasBackendRepo contract: ${name}`, () => {
    const withStore = (fn: (p: CasBackendPorts, repo: CasBackendRepo) => Promise<void>) => async () => {
      const p = await open();
      try {
        await fn(p, p.casBackends);
      } finally {
        await p.close();
      }
    };
    const defaults = async (repo: CasBackendRepo) => (await repo.list()).filter((x) => x.isDefault).map((x) => x.name);

    test("stores a backend with its booleans and nullable credentials, finds it by name", withStore(async (_, repo) => {
      const b = backend("harbor", false, { username: "ci", passwordEnv: "HARBOR_PASSWORD", insecureHttp: true });
      await repo.insert(b);
      expect(await repo.findByName("harbor")).toEqual(b);
      expect(await repo.findByName("nope")).toBeUndefined();
      expect(await repo.findDefault()).toBeUndefined();
    }));

    test("inserting a default clears the previous one; setDefault moves it; undefined makes local the default; names are unique", withStore(async (_, repo) => {
      await repo.insert(backend("harbor"));
      await repo.insert(backend("a", true));
      await repo.insert(backend("b", true));
      expect((await repo.findDefault())?.name).toBe("b");
      expect(await defaults(repo)).toEqual(["b"]);
      await expect(repo.insert(backend("a"))).rejects.toThrow();
      await repo.setDefault("harbor");
      expect(await defaults(repo)).toEqual(["harbor"]);
      await repo.setDefault(undefined);
      expect(await repo.findDefault()).toBeUndefined();
    }));

    test("list is by name, bytewise; remove deletes the row and frees the name", withStore(async (_, repo) => {
      for (const n of ["b", "a", "B", "harbor"]) await repo.insert(backend(n));
      expect((await repo.list()).map((x) => x.name)).toEqual(["B", "a", "b", "harbor"]);
      await repo.remove("a");
      expect((await repo.list()).map((x) => x.name)).toEqual(["B", "b", "harbor"]);
      await repo.insert(backend("a", false, { id: "id-a2" }));
      expect((await repo.findByName("a"))?.id).toBe("id-a2");
    }));

    test("an S3 backend keeps its settings; bucket and prefix come back from the location; half or mixed settings are refused", withStore(async (_, repo) => {
      const b = backend("bucket", false, { provider: "s3", location: "s3://evidence/team/a", s3 });
      await repo.insert(b);
      expect(await repo.findByName("bucket")).toEqual(b);
      await repo.insert(backend("root", false, { provider: "s3", location: "s3://other", s3: { ...s3, bucket: "other", prefix: "", pathStyle: false } }));
      expect((await repo.findByName("root"))?.s3).toMatchObject({ bucket: "other", prefix: "", pathStyle: false });
      await repo.insert(backend("harbor"));
      expect((await repo.findByName("harbor"))?.s3).toBeUndefined();
      await expect(repo.insert(backend("half", false, { provider: "s3", location: "s3://x" }))).rejects.toThrow();
      await expect(repo.insert(backend("mixed", false, { s3 }))).rejects.toThrow();
    }));

    test("replicas changing the default at once leave exactly one default, and every change succeeds", withStore(async (p, repo) => {
      const repos = [repo, await p.replica(), await p.replica()];
      const names = Array.from({ length: 9 }, (_, i) => `d${i}`);
      await Promise.all(names.map((n, i) => repos[i % 3]!.insert(backend(n, true))));
      expect(await defaults(repo)).toHaveLength(1);
      await Promise.all(names.flatMap((n, i) => [repos[i % 3]!.setDefault(n), repos[(i + 1) % 3]!.setDefault(names[(i + 4) % 9])]));
      expect(await defaults(repo)).toHaveLength(1);
      await Promise.all([repos[0]!.setDefault(undefined), repos[1]!.insert(backend("late", true)), repos[2]!.setDefault("d3")]);
      expect((await defaults(repo)).length).toBeLessThanOrEqual(1);
    }));
  });
}
