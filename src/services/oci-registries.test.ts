import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CasBackendRecord } from "../store/cas-backend-port.ts";
import { registryOf, registryOptionsFor, repositoryOf } from "./oci-registries.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-ociregs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "docker"));
const auth = Buffer.from("dockeruser:dockerpass").toString("base64");
writeFileSync(join(dir, "docker", "config.json"), JSON.stringify({ auths: { "reg.example:5000": { auth }, "other.example": { auth } } }));

const backend = (name: string, location: string, extra: Partial<CasBackendRecord> = {}): CasBackendRecord => ({
  id: name,
  name,
  provider: "oci",
  location,
  username: null,
  passwordEnv: null,
  insecureHttp: false,
  isDefault: false,
  createdAt: "2025-01-01T00:00:00.000Z",
  ...extra,
});
const deps = (backends: CasBackendRecord[], env: Record<string, string> = {}) => ({
  config: { env: { DOCKER_CONFIG: join(dir, "docker"), ...env } },
  casBackends: { list: async () => backends },
});

describe("registryOptionsFor", () => {
  test("no backend: docker config credentials, https", async () => {
    expect(await registryOptionsFor(deps([]), "other.example")).toEqual({ registry: "other.example", credentials: { username: "dockeruser", password: "dockerpass" } });
    expect(await registryOptionsFor(deps([]), "anon.example")).toEqual({ registry: "anon.example" });
  });

  test("a backend on the host gives insecure http and its username + password variable (beating docker config)", async () => {
    const b = backend("r", "reg.example:5000/ns", { username: "ci", passwordEnv: "REG_PW", insecureHttp: true });
    expect(await registryOptionsFor(deps([b], { REG_PW: "s3cret" }), "reg.example:5000")).toEqual({
      registry: "reg.example:5000",
      insecureHttp: true,
      credentials: { username: "ci", password: "s3cret" },
    });
  });

  test("a backend without a username falls back to docker config; other hosts' backends do not apply", async () => {
    const b = backend("r", "reg.example:5000/ns", { insecureHttp: true });
    expect((await registryOptionsFor(deps([b]), "reg.example:5000")).credentials?.username).toBe("dockeruser");
    expect((await registryOptionsFor(deps([b]), "other.example")).insecureHttp).toBeUndefined();
  });

  test("the password variable must be set when the backend is used", () => {
    const b = backend("r", "reg.example:5000/ns", { username: "ci", passwordEnv: "REG_PW" });
    expect(async () => await registryOptionsFor(deps([b]), "reg.example:5000")).toThrow(/\$REG_PW, which is not set/);
  });

  test("the default backend's credentials win on a shared host", async () => {
    const a = backend("a", "reg.example:5000/one", { username: "alice", passwordEnv: "A_PW" });
    const b = backend("b", "reg.example:5000/two", { username: "bob", passwordEnv: "B_PW", isDefault: true });
    expect((await registryOptionsFor(deps([a, b], { A_PW: "x", B_PW: "y" }), "reg.example:5000")).credentials).toEqual({ username: "bob", password: "y" });
  });

  test("CAIRN_INSECURE_REGISTRIES lists plain-http hosts (comma-separated, trimmed, case-insensitive)", async () => {
    const env = { CAIRN_INSECURE_REGISTRIES: " a.example , LOCALHOST:5000 " };
    expect((await registryOptionsFor(deps([], env), "localhost:5000")).insecureHttp).toBe(true);
    expect((await registryOptionsFor(deps([], env), "a.example")).insecureHttp).toBe(true);
    expect((await registryOptionsFor(deps([], env), "b.example")).insecureHttp).toBeUndefined();
  });

  test("location helpers split host and repository", () => {
    expect(registryOf("Reg.Example:5000/team/evidence")).toBe("reg.example:5000");
    expect(repositoryOf("reg.example:5000/team/evidence")).toBe("team/evidence");
  });
});
