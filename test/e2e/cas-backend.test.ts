// CAS backends through the binary: evidence pushed to a real registry (Debian's docker-registry) as ORAS artifacts
// and read back, digest-checked, by `artifact download` (two homes) and by `cairn serve`.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeRegistry, type FakeRegistry } from "../../src/oci/fake-registry.testutil.ts";
import { skopeoInspectRaw, startRegistry, type RunningRegistry } from "../../src/oci/registry.testutil.ts";
import { BIN, Sandbox } from "./harness.ts";
import { serve } from "./serve.harness.ts";

setDefaultTimeout(30_000); // the unreachable-registry case waits out the client's retries

const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const tag = (digest: string) => `sha256-${digest.slice(7)}.cairn`;
const APP = "the application, stored in a registry\n";
const REPO = "team/evidence";

/** Every file of a home's local disk CAS (to prove writes went to the registry, not there). */
function localBlobs(sb: Sandbox): string[] {
  const dir = join(sb.home, "cas", "sha256");
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
}

/** Runs the binary without blocking this process, whose in-process servers (proxy, fake registry) must answer it. */
async function runAsync(sb: Sandbox, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn([BIN, ...args], { cwd: sb.dir, env: { ...sb.env, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

async function okAsync(sb: Sandbox, args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await runAsync(sb, args, env);
  if (r.code !== 0) throw new Error(`cairn ${args.join(" ")} exited ${r.code}\n${r.stderr}`);
  return r.stdout;
}

/** A proxy in front of the registry that serves other bytes for one blob: a tampering registry or middlebox. */
function tamperingProxy(upstream: string, digest: string) {
  return Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method === "GET" && url.pathname.endsWith(`/blobs/${digest}`)) return new Response(APP.replace("application", "applicatiOn"));
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
      return fetch(`http://${upstream}${url.pathname}${url.search}`, { method: req.method, headers: req.headers, body, redirect: "manual" });
    },
  });
}

describe("cas-backend with a real registry", () => {
  const a = new Sandbox();
  const b = new Sandbox();
  let registry: RunningRegistry;
  let bundle = "";
  const material = sha(APP);
  const add = (sb: Sandbox, name: string, host: string, extra: string[] = []) =>
    sb.json(["cas-backend", "add", "oci", "--name", name, "--repo", `${host}/${REPO}`, "--insecure-http", ...extra]);

  beforeAll(async () => {
    registry = await startRegistry();
    writeFileSync(a.path("app.bin"), APP);
    a.ok(["keys", "generate", "--output-prefix", "cosign"]);
  });
  afterAll(async () => {
    await registry.stop();
    a.cleanup();
    b.cleanup();
  });

  test("add checks the registry: an unreachable one fails at add time and names --skip-check", () => {
    const r = a.run(["cas-backend", "add", "oci", "--name", "typo", "--repo", "127.0.0.1:1/evidence", "--insecure-http"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--repo 127.0.0.1:1/evidence");
    expect(r.stderr).toContain("--skip-check");
    expect(a.json<{ items: { name: string }[] }>(["cas-backend", "list"]).items.map((x) => x.name)).toEqual(["local"]);
  });

  test("add --default, then list shows local first and marks the default", () => {
    expect(add(a, "reg", registry.host, ["--default"])).toMatchObject({ name: "reg", location: `${registry.host}/${REPO}`, default: true, insecureHttp: true });
    const table = a.ok(["cas-backend", "list"]).stdout;
    expect(table).toMatch(/local/);
    expect(table).toMatch(/\*\s+│?\s*reg/);
  });

  test("att push stores the material and the bundle as ORAS artifacts; skopeo sees the layer digest", async () => {
    a.ok(["att", "init", "--workflow", "build", "--project", "p"]);
    a.ok(["att", "add", "--name", "binary", "--kind", "ARTIFACT", "--value", "app.bin"]);
    bundle = a.json<{ digest: string }>(["att", "push", "--key", "cosign.key"]).digest;
    const m = JSON.parse(new TextDecoder().decode(await skopeoInspectRaw(registry.host, `${REPO}:${tag(material)}`)));
    expect(m).toMatchObject({ mediaType: "application/vnd.oci.image.manifest.v1+json", artifactType: "application/vnd.cairn.evidence.v1" });
    expect(m.config.mediaType).toBe("application/vnd.oci.empty.v1+json");
    expect(m.layers).toEqual([{ mediaType: "application/octet-stream", digest: material, size: APP.length, annotations: { "org.opencontainers.image.title": "app.bin" } }]);
    const b2 = JSON.parse(new TextDecoder().decode(await skopeoInspectRaw(registry.host, `${REPO}:${tag(bundle)}`)));
    expect(b2.layers[0].digest).toBe(bundle);
    expect(localBlobs(a)).toEqual([]); // writes went to the registry only
  });

  test("store fsck checks the local CAS and counts blobs held by the registry as present, not missing", () => {
    a.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]); // fsck verifies the bundle (read from the registry) with it
    const r = a.json<{ ok: boolean; counts: { blobs: number; missing: number; attestations: number; signaturesVerified: number } }>(["store", "fsck"]);
    expect(r).toMatchObject({ ok: true, counts: { blobs: 0, missing: 0, attestations: 1, signaturesVerified: 1 } });
  });

  test("artifact download in the same home reads it back from the registry", () => {
    a.ok(["artifact", "download", "--digest", material, "--output", "copy.bin"]);
    expect(readFileSync(a.path("copy.bin"), "utf8")).toBe(APP);
  });

  test("a second home with the same backend downloads it too (evidence imported without its blobs stored locally)", () => {
    a.ok(["export", "-o", "evidence.tar", "--key", "cosign.key"]);
    copyFileSync(a.path("evidence.tar"), b.path("evidence.tar"));
    add(b, "shared", registry.host, ["--default"]);
    b.ok(["import", "evidence.tar", "--trusted-key", a.path("cosign.pub")]);
    expect(localBlobs(b)).toEqual([]);
    b.ok(["artifact", "download", "--digest", material, "--output", "b.bin"]);
    expect(readFileSync(b.path("b.bin"), "utf8")).toBe(APP);
  });

  test("a registry serving other bytes is refused with INTEGRITY and no file is left", async () => {
    const proxy = tamperingProxy(registry.host, material);
    const t = new Sandbox();
    try {
      copyFileSync(a.path("evidence.tar"), t.path("evidence.tar"));
      await okAsync(t, ["cas-backend", "add", "oci", "--name", "proxied", "--repo", `127.0.0.1:${proxy.port}/${REPO}`, "--insecure-http", "--default"]);
      await okAsync(t, ["import", "evidence.tar", "--trusted-key", a.path("cosign.pub")]);
      const r = await runAsync(t, ["artifact", "download", "--digest", material, "--output", "t.bin"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`blob ${material} is corrupt`);
      expect(r.stderr).toContain("run `cairn store fsck --remote --deep` to find every damaged blob"); // the check that reads the registry's copy
      expect(existsSync(t.path("t.bin"))).toBe(false);
    } finally {
      await proxy.stop(true);
      t.cleanup();
    }
  });

  test("cairn serve downloads (GET /api/v1/blobs/<digest>) read from the OCI default", async () => {
    const token = a.json<{ token: string }>(["org", "api-token", "create", "--name", "ci"]).token;
    const served = await serve(a);
    try {
      const res = await fetch(`${served.url}/api/v1/blobs/${material}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(APP);
      expect(res.headers.get("etag")).toBe(`"${material}"`);
    } finally {
      await served.stop();
    }
  });

  test("set-default local: new evidence goes to disk, registry blobs stay readable; remove warns", () => {
    a.ok(["cas-backend", "set-default", "local"]);
    writeFileSync(a.path("later.txt"), "later\n");
    a.ok(["artifact", "upload", "later.txt"]);
    expect(localBlobs(a)).toEqual([sha("later\n").slice(7)]);
    a.ok(["artifact", "download", "--digest", material, "--output", "again.bin"]);
    expect(readFileSync(a.path("again.bin"), "utf8")).toBe(APP);
    const r = a.ok(["cas-backend", "remove", "reg"]);
    expect(r.stderr).toContain(`blobs already pushed to ${registry.host}/${REPO} stay in that registry`);
    const gone = a.run(["artifact", "download", "--digest", material, "--output", "gone.bin"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`blob ${material} is not in the store`); // no backend left: the plain disk CAS again
  });

  test("remote mode is refused: a server's backends are its operator's business", () => {
    const r = a.run(["cas-backend", "list", "--control-plane", "http://127.0.0.1:9", "--token", "t"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("does not work with --control-plane");
  });
});

describe("cas-backend with registry credentials (fake registry, Basic auth)", () => {
  const sb = new Sandbox();
  let fake: FakeRegistry;
  const repoFlags = () => ["cas-backend", "add", "oci", "--repo", `${fake.host}/${REPO}`, "--insecure-http"];
  const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}`;

  beforeAll(async () => {
    fake = await startFakeRegistry({ auth: { kind: "basic", username: "ci", password: "pw" } });
    writeFileSync(sb.path("app.bin"), APP);
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
  });
  afterAll(async () => {
    await fake.stop();
    sb.cleanup();
  });

  test("--password-env must be set at add time; a wrong password fails the add check", async () => {
    const unset = await runAsync(sb, [...repoFlags(), "--name", "reg", "--username", "ci", "--password-env", "REG_PW"]);
    expect([unset.code, unset.stderr]).toEqual([1, expect.stringContaining("--password-env REG_PW: the variable is not set") as unknown as string]);
    const wrong = await runAsync(sb, [...repoFlags(), "--name", "reg", "--username", "ci", "--password-env", "REG_PW"], { REG_PW: "nope" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`--repo ${fake.host}/${REPO}`);
    expect(wrong.stderr).toContain("--skip-check");
    expect(sb.json<{ items: unknown[] }>(["cas-backend", "list"]).items).toHaveLength(1);
  });

  test("--username/--password-env: add, push and download authenticate with Basic; the password is never stored", async () => {
    await okAsync(sb, [...repoFlags(), "--name", "reg", "--username", "ci", "--password-env", "REG_PW", "--default"], { REG_PW: "pw" });
    await okAsync(sb, ["att", "init", "--workflow", "build", "--project", "p"], { REG_PW: "pw" });
    await okAsync(sb, ["att", "add", "--name", "binary", "--kind", "ARTIFACT", "--value", "app.bin"], { REG_PW: "pw" });
    await okAsync(sb, ["att", "push", "--key", "cosign.key"], { REG_PW: "pw" });
    await okAsync(sb, ["artifact", "download", "--digest", sha(APP), "--output", "copy.bin"], { REG_PW: "pw" });
    expect(readFileSync(sb.path("copy.bin"), "utf8")).toBe(APP);
    const writes = fake.requests.filter((r) => r.method === "PUT" && r.path.includes(tag(sha(APP))));
    expect(writes.map((r) => r.authorization)).toEqual([basic("ci", "pw")]);
    const db = new Database(join(sb.home, "cairn.db"), { readonly: true });
    try {
      expect(db.query("SELECT name, username, password_env AS passwordEnv FROM cas_backends").all()).toEqual([{ name: "reg", username: "ci", passwordEnv: "REG_PW" }]);
    } finally {
      db.close();
    }
  });

  test("without the password variable at use time, reading fails naming the variable", async () => {
    const r = await runAsync(sb, ["artifact", "download", "--digest", sha(APP), "--output", "x.bin"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("reads its password from $REG_PW, which is not set");
  });

  test("without --username, docker config.json credentials are used", async () => {
    const docker = sb.path("docker");
    mkdirSync(docker);
    writeFileSync(join(docker, "config.json"), JSON.stringify({ auths: { [fake.host]: { auth: Buffer.from("ci:pw").toString("base64") } } }));
    const other = new Sandbox();
    try {
      await okAsync(other, [...repoFlags(), "--name", "viadocker"], { DOCKER_CONFIG: docker });
      const noCreds = await runAsync(other, [...repoFlags(), "--name", "anon"]);
      expect(noCreds.code).toBe(1);
    } finally {
      other.cleanup();
    }
  });
});
