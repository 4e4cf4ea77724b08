// The remote CLI through the compiled binary: every control-plane command run locally (on the served home) and
// with --control-plane/--token from an empty HOME prints the same stdout and exits the same way.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, FIXTURES, Sandbox, type Run } from "./harness.ts";
import { seed, serve, type Seeded, type Served } from "./serve.harness.ts";

const sb = new Sandbox();
const remoteHome = mkdtempSync(join(tmpdir(), "cairn-remote-home-"));
let data: Seeded;
let srv: Served;
let admin = "";

beforeAll(async () => {
  data = await seed(sb);
  // One pinned clock for the server and the local runs, so timestamps written either way are equal.
  sb.env.CAIRN_FIXED_TIME = "2030-01-01T00:00:00Z";
  srv = await serve(sb);
  admin = /admin token \(.*\): (cairn_\S+)/.exec(srv.stderr())![1]!;
  cpSync(join(FIXTURES, "contracts/demo.yaml"), sb.path("demo.yaml"));
  cpSync(join(FIXTURES, "contracts/apply"), sb.path("apply"), { recursive: true });
}, 60_000);
afterAll(async () => {
  if (srv.proc.exitCode === null) await srv.stop();
  sb.cleanup();
  rmSync(remoteHome, { recursive: true, force: true });
});

/** From an empty HOME, no CAIRN_HOME: nothing local to use. */
function remote(args: string[], token = data.tokens.org): Run {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: remoteHome, CAIRN_ORG: "other" }; // the token decides, not CAIRN_ORG
  const p = Bun.spawnSync([BIN, ...args, "--control-plane", srv.url, "--token", token], { cwd: sb.dir, env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

const local = (args: string[]) => sb.run(args);

/**
 * Ids and token secrets made by two separate creations genuinely differ, and so does who made the thing (the remote
 * token, or `local`); nothing else is normalized.
 */
const fresh = (s: string) =>
  s
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/cairn_[A-Za-z0-9_-]{43}/g, "<token>")
    .replace(/("createdBy": )"(token:ci|local)"/g, '$1"<creator>"')
    .replace(/(│ Created By +│ )(token:ci|local)( +)/g, (_, a: string, who: string, pad: string) => `${a}<creator>${" ".repeat(Math.max(0, who.length + pad.length - 9))}`);

/** Same exit code and stdout, remote first; errors and warnings (stderr) too when `stderr`. */
function both(args: string[], opts: { token?: string; stderr?: boolean } = {}): Run {
  const r = remote(args, opts.token);
  const l = local(args);
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: l.code, stdout: l.stdout });
  if (opts.stderr) expect(r.stderr).toBe(l.stderr);
  return r;
}

/** A change made remotely, undone locally, made again locally: the same output but for fresh ids. */
function twice(args: string[], undo: string[] | ((made: Run) => string[])): Run {
  const r = remote(args);
  expect(local(typeof undo === "function" ? undo(r) : undo).code).toBe(0);
  const l = local(args);
  expect({ code: r.code, stdout: fresh(r.stdout) }).toEqual({ code: l.code, stdout: fresh(l.stdout) });
  return r;
}

const FORMATS = [[], ["-o", "json"]];
const firstId = (r: Run) => /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(r.stdout)![0];

describe("workflows and contracts", () => {
  test("workflow list/describe/create/update/delete", () => {
    for (const o of FORMATS) {
      both(["workflow", "list", ...o]);
      both(["workflow", "list", "--project", "p1", "--limit", "1", ...o], { stderr: true });
      both(["workflow", "describe", "--name", "build", "--project", "p1", ...o]);
      both(["workflow", "create", "--name", "build", "--project", "p1", "--skip-if-exists", "--team", "x", ...o], { stderr: true });
      twice(["workflow", "create", "--name", `lint${o.length}`, "--project", "p1", "--team", "qa", ...o], ["workflow", "delete", "--name", `lint${o.length}`, "--project", "p1"]);
      both(["workflow", "update", "--name", `lint${o.length}`, "--project", "p1", "--description", "lints", "--contract", "p1-build", ...o]);
      twice(["workflow", "delete", "--name", `lint${o.length}`, "--project", "p1", ...o], ["workflow", "create", "--name", `lint${o.length}`, "--project", "p1"]);
    }
    const missing = both(["workflow", "describe", "--name", "nope", "--project", "p1"], { stderr: true });
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining("ERR workflow nope does not exist in project p1 (organization default)")]);
    both(["workflow", "update", "--name", "build", "--project", "p1"], { stderr: true });
    both(["workflow", "create", "--name", "Bad", "--project", "p1"], { stderr: true });
    // --contract FILE: read on the client, registered by the server in the same transaction as the workflow
    twice(["workflow", "create", "--name", "demo", "--project", "p3", "--contract", "demo.yaml"], ["workflow", "delete", "--name", "demo", "--project", "p3"]);
    both(["workflow", "update", "--name", "demo", "--project", "p3", "--contract", "demo.yaml", "-o", "json"]); // unchanged: no new revision
    const scoped = remote(["workflow", "update", "--name", "build", "--project", "p1", "--contract", "demo.yaml"], data.tokens.p1);
    expect([scoped.code, scoped.stderr]).toEqual([1, expect.stringContaining("ERR workflow.update needs the maintainer role; this API token is an attestor")]);
    for (const undo of [["workflow", "delete", "--name", "demo", "--project", "p3"], ["workflow", "contract", "delete", "--name", "demo"]]) expect(local(undo).code).toBe(0);
  });

  test("workflow contract create/update/describe/list/delete", () => {
    for (const o of FORMATS) {
      twice(["workflow", "contract", "create", "--name", "demo", "-f", "demo.yaml", ...o], ["workflow", "contract", "delete", "--name", "demo"]);
      both(["workflow", "contract", "update", "--name", "demo", "-f", "demo.yaml", ...o], { stderr: true });
      both(["workflow", "contract", "update", "--name", "demo", "--description", "changed", ...o]);
      both(["workflow", "contract", "describe", "--name", "demo", ...o]);
      both(["workflow", "contract", "list", ...o]);
      twice(["workflow", "contract", "delete", "--name", "demo", ...o], ["workflow", "contract", "create", "--name", "demo", "-f", "demo.yaml"]);
    }
    both(["workflow", "contract", "describe", "--name", "p1-build", "--revision", "7"], { stderr: true });
    both(["workflow", "contract", "describe", "--name", "demo"], { stderr: true }); // deleted last
    both(["workflow", "contract", "update", "--name", "p1-build", "-f", "demo.yaml"], { stderr: true });
    both(["workflow", "contract", "create", "--name", "x", "-f", "apply/bad-second.yaml"], { stderr: true });
    both(["workflow", "contract", "delete", "--name", "p1-build"], { stderr: true });
  });

  test("apply: dry runs, a second apply, and refusals print the same", () => {
    for (const o of FORMATS) both(["apply", "-f", "apply/two-contracts.yaml", "--dry-run", ...o]);
    both(["apply", "-f", "apply/dir", "--dry-run"]);
    expect(remote(["apply", "-f", "apply/two-contracts.yaml"]).code).toBe(0);
    both(["apply", "-f", "apply/two-contracts-reformatted.yaml", "-o", "json"]);
    for (const f of ["apply/bad-second.yaml", "apply/wrong-kind.yaml", "apply/missing.yaml"]) both(["apply", "-f", f], { stderr: true });
  });
});

describe("runs, discover, artifacts", () => {
  test("workflow run list and describe in every format, with --verify", () => {
    for (const o of FORMATS) {
      both(["workflow", "run", "list", ...o]);
      both(["workflow", "run", "list", "--project", "p1", "--status", "succeeded", ...o]);
    }
    const id = data.runs.p1build.runId;
    for (const o of ["table", "json", "statement", "attestation", "payload-pae"]) {
      both(["workflow", "run", "describe", "--id", id, "-o", o]);
      both(["workflow", "run", "describe", "--digest", data.runs.p1build.digest, "-o", o, "--verify", "--key", "cosign.pub"], { stderr: true });
    }
    both(["workflow", "run", "describe", "--id", data.runs.other.runId], { stderr: true });
    both(["workflow", "run", "describe"], { stderr: true });
  });

  test("discover", () => {
    for (const o of FORMATS) both(["discover", data.runs.p2deploy.digest, ...o]);
    both(["discover", "sha256:nothex"], { stderr: true });
  });

  test("artifact upload and download (to stdout and to a file)", async () => {
    await Bun.write(sb.path("up.txt"), "remote upload\n");
    for (const o of FORMATS) both(["artifact", "upload", "up.txt", ...o]);
    both(["artifact", "upload", "absent.txt"], { stderr: true });
    const digest = JSON.parse(remote(["artifact", "upload", "up.txt", "-o", "json"]).stdout).digest;
    both(["artifact", "download", "--digest", digest, "--output", "-"]);
    expect(remote(["artifact", "download", "--digest", digest, "--output", "copy.txt"]).code).toBe(0);
    expect(readFileSync(sb.path("copy.txt"), "utf8")).toBe("remote upload\n");
    both(["artifact", "download", "--digest", digest], { stderr: true }); // up.txt exists: refused alike
    both(["artifact", "download", "--digest", data.runs.other.digest], { stderr: true });
  });
});

describe("organizations, tokens, keys; local-only commands", () => {
  test("org list (the admin sees every organization), org create (admin only)", () => {
    for (const o of FORMATS) both(["org", "list", ...o], { token: admin });
    expect(remote(["org", "list", "-o", "json"]).stdout).toContain('"name": "default"');
    const denied = remote(["org", "create", "--name", "third"]);
    expect([denied.code, denied.stderr]).toEqual([1, expect.stringContaining("needs the instance admin token")]);
    expect(remote(["org", "create", "--name", "third"], admin).code).toBe(0);
    both(["org", "create", "--name", "third"], { token: admin, stderr: true });
  });

  test("org api-token create/list/revoke", () => {
    for (const o of FORMATS) twice(["org", "api-token", "create", "--name", `t${o.length}`, "--project", "p1", ...o], (made) => ["org", "api-token", "revoke", "--id", firstId(made)]);
    both(["org", "api-token", "list", "--status", "all"]);
    both(["org", "api-token", "revoke", "--id", data.tokenIds.revoked!], { stderr: true });
    both(["org", "api-token", "revoke", "--id", "nope"], { stderr: true });
    const scoped = remote(["org", "api-token", "list"], data.tokens.p1);
    expect([scoped.code, scoped.stderr]).toEqual([1, expect.stringContaining("organization-level API token")]);
  });

  test("org key add/list/remove", () => {
    for (const o of FORMATS) {
      twice(["org", "key", "add", "--name", "ci", "--key", "cosign.pub", ...o], ["org", "key", "remove", "--name", "ci"]);
      both(["org", "key", "list", "--status", "all", ...o]);
      twice(["org", "key", "remove", "--name", "ci", ...o], ["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
    }
    both(["org", "key", "add", "--name", "bad", "--key", "cosign.key"], { stderr: true });
    both(["org", "key", "remove", "--name", "nope"], { stderr: true });
  });

  test("store fsck|gc, serve and org set refuse remote mode with USAGE", () => {
    for (const args of [["store", "fsck"], ["store", "gc"], ["serve"], ["org", "set", "--name", "other"]]) {
      const r = remote(args);
      expect([r.code, r.stdout, r.stderr]).toEqual([2, "", expect.stringContaining("does not work with --control-plane")]);
    }
  });

  test("nothing of the above opened or created a local store", () => {
    expect(existsSync(join(remoteHome, ".cairn"))).toBe(false);
  });
});
