import { afterAll, describe, expect, test } from "bun:test";
import type { OciClient, RegistryOptions } from "../../oci/types.ts";
import { CairnError } from "../../errors.ts";
import { addCasBackend, listCasBackends, parseRepo, removeCasBackend, setDefaultCasBackend, type ClientFactory } from "./cas-backends.ts";
import { TempStore } from "./store-fixture.testutil.ts";

const s = new TempStore();
afterAll(() => s.cleanup());
const app = await s.open({ REG_PW: "s3cret" });
const warnings: string[] = [];
const deps = { ...app, reporter: { warn: (m: string) => void warnings.push(m) } };

/** Records what the write check did and with which settings; `fail` makes ping fail like a wrong password. */
function fakeClients(fail?: CairnError): { factory: ClientFactory; calls: string[]; opts: RegistryOptions[] } {
  const calls: string[] = [];
  const opts: RegistryOptions[] = [];
  const factory: ClientFactory = (o) => {
    opts.push(o);
    const client: Partial<OciClient> = {
      registry: o.registry,
      ping: async () => {
        calls.push("ping");
        if (fail) throw fail;
      },
      pushBlob: async (repo, src) => (calls.push(`blob ${repo} ${src.digest}`), { digest: src.digest!, size: src.size! }),
      putManifest: async (repo, ref) => (calls.push(`manifest ${repo} ${ref.slice(0, 7)}`), { digest: ref, subjectProcessed: false }),
    };
    return client as OciClient;
  };
  return { factory, calls, opts };
}

describe("cas-backend add", () => {
  test("checks reachability and push rights with the new backend's settings, then stores it", async () => {
    const f = fakeClients();
    const b = await addCasBackend(deps, { name: "harbor", repo: "Reg.Example:5000/team/evidence", username: "ci", passwordEnv: "REG_PW", insecureHttp: true, default: true }, f.factory);
    expect(b).toMatchObject({ name: "harbor", provider: "oci", location: "reg.example:5000/team/evidence", default: true, username: "ci", passwordEnv: "REG_PW", insecureHttp: true });
    expect(f.opts).toEqual([{ registry: "reg.example:5000", insecureHttp: true, credentials: { username: "ci", password: "s3cret" } }]);
    expect(f.calls).toEqual(["ping", "blob team/evidence sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "manifest team/evidence sha256:"]);
    expect((await app.casBackends.findByName("harbor"))?.isDefault).toBe(true);
  });

  test("a registry that refuses fails the add, names --repo and offers --skip-check; nothing is stored", async () => {
    const f = fakeClients(new CairnError("UNAUTHENTICATED", "registry reg.example:5000 refused the credentials"));
    const err = await addCasBackend(deps, { name: "typo", repo: "reg.example:5000/ns" }, f.factory).catch((e: CairnError) => e);
    expect(err).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringContaining("--repo reg.example:5000/ns") as unknown as string });
    expect((err as CairnError).hint).toContain("--skip-check");
    expect(await app.casBackends.findByName("typo")).toBeUndefined();
  });

  test("--skip-check registers without contacting the registry", async () => {
    const f = fakeClients(new CairnError("NETWORK", "down"));
    await addCasBackend(deps, { name: "offline", repo: "offline.example/evidence", skipCheck: true }, f.factory);
    expect(f.calls).toEqual([]);
    expect((await app.casBackends.findByName("offline"))?.username).toBeNull();
  });

  test("validation: names, the reserved local, duplicates, credentials pairs, the password variable", async () => {
    const add = (over: Record<string, unknown>) => addCasBackend(deps, { name: "x", repo: "r.example/ns", skipCheck: true, ...over });
    await expect(add({ name: "Bad_Name" })).rejects.toThrow(/--name "Bad_Name" is not a valid name/);
    await expect(add({ name: "local" })).rejects.toThrow(/reserved/);
    await expect(add({ name: "harbor" })).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    await expect(add({ username: "ci" })).rejects.toThrow(/--username needs --password-env/);
    await expect(add({ passwordEnv: "REG_PW" })).rejects.toThrow(/--password-env needs --username/);
    await expect(add({ username: "ci", passwordEnv: "not a var" })).rejects.toThrow(/is not a variable name/);
    await expect(add({ username: "ci", passwordEnv: "UNSET_PW" })).rejects.toMatchObject({ code: "ENV_MISSING", message: expect.stringContaining("UNSET_PW") as unknown as string });
  });

  test("--repo is HOST[:PORT]/NAMESPACE without tag or digest", () => {
    expect(parseRepo("127.0.0.1:5000/evidence")).toBe("127.0.0.1:5000/evidence");
    expect(parseRepo("localhost/a/b")).toBe("localhost/a/b");
    expect(() => parseRepo("evidence")).toThrow(/does not start with a registry host/);
    expect(() => parseRepo("team/evidence")).toThrow(/does not start with a registry host/);
    expect(() => parseRepo("127.0.0.1:5000")).toThrow(/names a registry but no repository/);
    expect(() => parseRepo("r.example/ns:v1")).toThrow(/names a tag or digest/);
    expect(() => parseRepo(`r.example/ns@sha256:${"a".repeat(64)}`)).toThrow(/names a tag or digest/);
    expect(() => parseRepo("r.example/NS")).toThrow(/is not a repository/);
  });
});

describe("cas-backend list, set-default, remove", () => {
  test("list: local first, then by name; * goes to the default", async () => {
    const items = await listCasBackends(deps);
    expect(items.map((b) => [b.name, b.default])).toEqual([["local", false], ["harbor", true], ["offline", false]]);
    expect(items[0]).toMatchObject({ provider: "local", location: `${s.home}/cas`, createdAt: null });
  });

  test("set-default NAME and local; unknown names are NOT_FOUND", async () => {
    expect(await setDefaultCasBackend(deps, { name: "offline" })).toEqual({ name: "offline", previous: "harbor" });
    expect(await setDefaultCasBackend(deps, { name: "local" })).toEqual({ name: "local", previous: "offline" });
    expect((await listCasBackends(deps))[0]!.default).toBe(true);
    expect(() => setDefaultCasBackend(deps, { name: "nope" })).toThrow(/CAS backend nope does not exist/);
  });

  test("removing the default makes local the default again and warns that pushed blobs become unreadable", async () => {
    await setDefaultCasBackend(deps, { name: "harbor" });
    warnings.length = 0;
    expect(await removeCasBackend(deps, { name: "harbor" })).toEqual({ name: "harbor", wasDefault: true });
    expect(warnings[0]).toContain("local CAS again");
    expect(warnings[1]).toContain("blobs already pushed to reg.example:5000/team/evidence stay in that registry");
    expect(await app.casBackends.findDefault()).toBeUndefined();
    expect(() => removeCasBackend(deps, { name: "harbor" })).toThrow(/does not exist/);
    expect(() => removeCasBackend(deps, { name: "local" })).toThrow(/cannot be removed/);
  });

  test("no warning about unreadable blobs while another backend names the same repository", async () => {
    await addCasBackend(deps, { name: "twin", repo: "offline.example/evidence", skipCheck: true });
    warnings.length = 0;
    await removeCasBackend(deps, { name: "twin" });
    expect(warnings).toEqual([]);
  });
});
