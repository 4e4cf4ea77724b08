// The CAS leaks through the compiled binary and a real `cairn serve`: a scoped token reads only blobs that arrived
// through its scope, and an organization cannot cite (nor then download) another organization's digest as uploaded.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { BIN, Sandbox, type Run } from "./harness.ts";
import { seed, serve, type Seeded, type Served } from "./serve.harness.ts";

const sha = (b: string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const server = new Sandbox();
const client = new Sandbox(); // a CI machine: its own HOME, no store of its own
let data: Seeded;
let srv: Served;

beforeAll(async () => {
  data = await seed(server);
  server.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"], { CAIRN_ORG: "other" }); // other verifies pushes with it
  srv = await serve(server);
  for (const [f, c] of Object.entries({ "p1raw.txt": "raw upload by p1\n", "orgraw.txt": "raw upload by org\n", "decoy.txt": "decoy\n", "p1.bin": "p1 only\n" })) writeFileSync(client.path(f), c);
}, 60_000);
afterAll(async () => {
  if (srv.proc.exitCode === null) expect(await srv.stop()).toBe(0);
  server.cleanup();
  client.cleanup();
});

function remote(args: string[], token: string): Run {
  const p = Bun.spawnSync([BIN, ...args, "--control-plane", srv.url, "--token", token], { cwd: client.dir, env: client.env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}
const ok = (r: Run): Run => {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r;
};
const uploaded = (file: string, token: string): string => JSON.parse(ok(remote(["artifact", "upload", file, "-o", "json"], token)).stdout).digest;
const download = (digest: string, token: string) => remote(["artifact", "download", "--digest", digest, "--output", "-"], token);

/** Refused exactly as a digest that exists nowhere is, for the same token (exit code and stderr, digest put in). */
function refusedAsAbsent(digest: string, token: string): void {
  const absent = sha("exists nowhere");
  const none = download(absent, token);
  const r = download(digest, token);
  expect(none.code).toBe(1);
  expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: none.code, stdout: "", stderr: none.stderr.replaceAll(absent, digest) });
}

describe("(a) scoped tokens over the remote CLI", () => {
  test("a p2 token cannot download p1's material nor a p1 token's raw upload; an org token's raw upload is not a project's", () => {
    const p1raw = uploaded("p1raw.txt", data.tokens.p1);
    expect(ok(download(p1raw, data.tokens.p1)).stdout).toBe("raw upload by p1\n");
    refusedAsAbsent(p1raw, data.tokens.p2);
    refusedAsAbsent(sha("p1 only\n"), data.tokens.p2); // p1/build's stored material
    expect(ok(download(sha("p1 only\n"), data.tokens.p1build)).stdout).toBe("p1 only\n");
    const orgraw = uploaded("orgraw.txt", data.tokens.org);
    expect(ok(download(orgraw, data.tokens.org)).stdout).toBe("raw upload by org\n");
    refusedAsAbsent(orgraw, data.tokens.p1);
    refusedAsAbsent(orgraw, data.tokens.p1build);
  });
});

describe("(b) an organization citing another's digest as uploaded", () => {
  test("refused (nothing stored, run still initialized) and not downloadable; after its own upload, pushed and downloadable", () => {
    const theirs = sha("p1 only\n"); // held by organization default only
    ok(remote(["att", "init", "--workflow", "job", "--project", "o", "--replace"], data.tokens.other));
    ok(remote(["att", "add", "--name", "stolen", "--kind", "ARTIFACT", "--value", "decoy.txt"], data.tokens.other));
    // A hostile client: its own state says the material it uploaded is default's blob.
    const state = JSON.parse(readFileSync(client.statePath, "utf8"));
    state.materials.stolen.digest = theirs;
    writeFileSync(client.statePath, JSON.stringify(state));
    const runId: string = state.workflow.runId;
    const before = server.counts();

    const push = remote(["att", "push", "--key", server.path("cosign.key")], data.tokens.other);
    expect(push.code).toBe(1);
    expect(push.stderr).toContain(`material marked as uploaded was not uploaded to this organization: ${theirs}`);
    expect(push.stderr).toContain("upload them with this token first");
    expect(server.counts()).toEqual(before);
    expect(server.json<{ run: { state: string } }>(["workflow", "run", "describe", "--id", runId], { CAIRN_ORG: "other" }).run.state).toBe("initialized");
    refusedAsAbsent(theirs, data.tokens.other);

    expect(uploaded("p1.bin", data.tokens.other)).toBe(theirs); // the same bytes, uploaded by other itself
    ok(remote(["att", "push", "--key", server.path("cosign.key")], data.tokens.other));
    expect(server.json<{ run: { state: string } }>(["workflow", "run", "describe", "--id", runId], { CAIRN_ORG: "other" }).run.state).toBe("succeeded");
    expect(ok(download(theirs, data.tokens.other)).stdout).toBe("p1 only\n");
  }, 60_000);
});
