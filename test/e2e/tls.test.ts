// `cairn serve --tls-cert/--tls-key` and the remote CLI with --control-plane-ca, through the compiled binary, with a
// private CA made by openssl for this test; and the loopback rule for plain http.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { makeTestPki } from "../tls-certs.ts";
import { BIN, Sandbox, type Run } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const pki = makeTestPki();
const server = new Sandbox();
const client = new Sandbox(); // a CI machine: its own HOME, no store
let srv: Served;
let token = "";

beforeAll(async () => {
  server.ok(["keys", "generate", "--output-prefix", "cosign"]);
  server.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]); // the server verifies pushes with it
  token = server.json<{ token: string }>(["org", "api-token", "create", "--name", "ci"]).token;
  server.ok(["workflow", "create", "--name", "build", "--project", "skynet"]);
  srv = await serve(server, ["--tls-cert", pki.cert, "--tls-key", pki.key]);
  writeFileSync(client.path("app.bin"), "the artifact\n");
}, 60_000);
afterAll(async () => {
  if (srv.proc.exitCode === null) expect(await srv.stop()).toBe(0);
  server.cleanup();
  client.cleanup();
  pki.cleanup();
});

/** The remote CLI on the client machine (async, so the server in this process keeps answering). */
async function remote(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const p = Bun.spawn([BIN, ...args], { cwd: client.dir, env: { ...client.env, CAIRN_TOKEN: token, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, stdout, stderr };
}
const ok = (r: Run): Run => {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r;
};
const names = (r: Run) => (JSON.parse(r.stdout) as { items: { name: string }[] }).items.map((w) => w.name);

describe("cairn serve over TLS", () => {
  test("it listens on https; the remote CLI trusts the private CA from --control-plane-ca or CAIRN_CONTROL_PLANE_CA (inline PEM)", async () => {
    expect(srv.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(srv.stderr()).toContain(`cairn serve: listening on ${srv.url}\n`);
    const byFlag = ok(await remote(["workflow", "list", "--control-plane", srv.url, "--control-plane-ca", pki.ca, "-o", "json"]));
    expect(names(byFlag)).toEqual(["build"]);
    const byEnv = ok(await remote(["workflow", "list", "-o", "json"], { CAIRN_CONTROL_PLANE: srv.url.replace("127.0.0.1", "localhost"), CAIRN_CONTROL_PLANE_CA: pki.read(pki.ca) }));
    expect(names(byEnv)).toEqual(["build"]);
  }, 30_000);

  test("without the CA, or with another CA: a clear error naming --control-plane-ca, exit 1", async () => {
    const none = await remote(["workflow", "list", "--control-plane", srv.url]);
    expect(none.code).toBe(1);
    expect(none.stderr).toStartWith(`ERR cannot reach the control plane at ${srv.url}: its certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE`);
    expect(none.stderr).toContain("pass that CA with --control-plane-ca FILE (CAIRN_CONTROL_PLANE_CA)");
    const other = await remote(["workflow", "list", "--control-plane", srv.url], { CAIRN_CONTROL_PLANE_CA: pki.otherCa });
    expect([other.code, other.stderr]).toEqual([1, expect.stringContaining("its certificate is not trusted")]);
    expect(other.stderr).toContain("not issued by the CA of CAIRN_CONTROL_PLANE_CA");
    for (const r of [none, other]) expect(r.stderr).not.toContain("    at "); // no stack
  }, 30_000);

  test("a missing CA file, a CA with an http:// control plane, and http to the TLS port", async () => {
    const gone = await remote(["workflow", "list", "--control-plane", srv.url, "--control-plane-ca", "nope.pem"]);
    expect([gone.code, gone.stderr.split("\n")[0]]).toEqual([2, `ERR --control-plane-ca ${client.path("nope.pem")}: cannot read the CA certificate (no such file)`]);
    const plain = await remote(["workflow", "list", "--control-plane", srv.url.replace("https:", "http:"), "--control-plane-ca", pki.ca]);
    expect([plain.code, plain.stderr]).toEqual([2, expect.stringContaining("is plain http: the CA would not be used")]);
    const cleartext = await remote(["workflow", "list", "--control-plane", srv.url.replace("https:", "http:")]);
    expect([cleartext.code, cleartext.stderr]).toEqual([1, expect.stringContaining(`ERR cannot reach the control plane at ${srv.url.replace("https:", "http:")}`)]);
    expect(cleartext.stderr).toContain("use https:// in --control-plane");
    expect(names(ok(await remote(["workflow", "list", "--control-plane", srv.url, "--control-plane-ca", pki.ca, "-o", "json"])))).toEqual(["build"]); // still serving
  }, 30_000);

  test("remote crafting through TLS: init, add, push; the server stores a verified run", async () => {
    const env = { CAIRN_CONTROL_PLANE: srv.url, CAIRN_CONTROL_PLANE_CA: pki.ca };
    const init = JSON.parse(ok(await remote(["att", "init", "--workflow", "build", "--project", "skynet", "--remote-state", "-o", "json"], env)).stdout);
    ok(await remote(["att", "add", "--attestation-id", init.attestationId, "--name", "app", "--kind", "ARTIFACT", "--value", "app.bin"], env));
    const pushed = JSON.parse(ok(await remote(["att", "push", "--attestation-id", init.attestationId, "--key", server.path("cosign.key"), "-o", "json"], env)).stdout);
    expect(pushed).toMatchObject({ runId: init.attestationId, storedAt: `${srv.url}/api/v1/runs/${init.attestationId}/attestation` });
    const run = server.json<{ run: { state: string; attestationDigest: string } }>(["workflow", "run", "describe", "--id", pushed.runId]);
    expect(run.run).toMatchObject({ state: "succeeded", attestationDigest: pushed.digest });
    const noCa = await remote(["att", "status", "--attestation-id", init.attestationId], { CAIRN_CONTROL_PLANE: srv.url });
    expect([noCa.code, noCa.stderr]).toEqual([1, expect.stringContaining("its certificate is not trusted")]);
  }, 60_000);
});

describe("startup checks", () => {
  const start = (args: string[]) => server.run(["serve", "--listen", "127.0.0.1:0", ...args]);

  test("a key that is not the certificate's, or one flag without the other: exit 2 naming the files", () => {
    const mismatch = start(["--tls-cert", pki.cert, "--tls-key", pki.otherKey]);
    expect([mismatch.code, mismatch.stderr.split("\n")[0]]).toEqual([2, `ERR --tls-key ${pki.otherKey} does not match the certificate in --tls-cert ${pki.cert}`]);
    const half = start(["--tls-cert", pki.cert]);
    expect([half.code, half.stderr.split("\n")[0]]).toEqual([2, "ERR --tls-cert is given but --tls-key is not"]);
    const missing = start(["--tls-cert", pki.cert, "--tls-key", server.path("nope.key")]);
    expect([missing.code, missing.stderr.split("\n")[0]]).toEqual([2, `ERR --tls-key ${server.path("nope.key")}: cannot read it (no such file)`]);
    for (const r of [mismatch, half, missing]) expect(r.stderr).not.toContain("admin token");
  });

  test("plain http on a non-loopback address is refused in one line; --insecure-plaintext allows it with a warning", async () => {
    const refused = start(["--listen", "0.0.0.0:0"]);
    expect(refused.code).toBe(2);
    const [reason, hint] = refused.stderr.trimEnd().split("\n");
    expect(reason).toBe("ERR refusing to serve plain http on 0.0.0.0: API tokens and the web session cookie would cross the network in clear text");
    expect(hint).toContain("--tls-cert FILE --tls-key FILE");
    expect(start(["--listen", "[::]:0"]).code).toBe(2);
    const open = await serve(server, ["--listen", "0.0.0.0:0", "--insecure-plaintext"]);
    try {
      expect(open.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      expect(open.stderr()).toContain("WARN cairn serve: --insecure-plaintext: serving plain http on 0.0.0.0;");
      const port = new URL(open.url).port;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/whoami`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    } finally {
      expect(await open.stop()).toBe(0);
    }
  }, 30_000);
});
