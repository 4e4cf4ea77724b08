// Remote crafting through the compiled binary: `cairn serve` holds the run (and with --remote-state the state);
// CI jobs on "other machines" (their own HOME) init, add concurrently, and push with --control-plane/--token.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, Sandbox, type Run } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const server = new Sandbox();
const client = new Sandbox(); // the CI machines: a HOME of their own, no store
let srv: Served;
let remote: Record<string, string> = {};

beforeAll(async () => {
  server.ok(["keys", "generate", "--output-prefix", "cosign"]);
  server.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]); // the server verifies pushes with it
  const token = server.json<{ token: string }>(["org", "api-token", "create", "--name", "ci"]).token;
  srv = await serve(server);
  remote = { CAIRN_CONTROL_PLANE: srv.url, CAIRN_TOKEN: token };
  for (let i = 0; i < 8; i++) writeFileSync(client.path(`m${i}.txt`), `material ${i}\n`);
}, 60_000);
afterAll(async () => {
  if (srv.proc.exitCode === null) expect(await srv.stop()).toBe(0);
  server.cleanup();
  client.cleanup();
});

/** A cairn process on a CI machine, started now and awaited later (so several run at once). */
async function job(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const p = Bun.spawn([BIN, ...args], { cwd: client.dir, env: { ...client.env, ...remote, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, stdout, stderr };
}

const ok = (r: Run): Run => {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r;
};

/** One job adding several materials one after another. */
async function addAll(id: string, indexes: number[]): Promise<void> {
  for (const i of indexes) ok(await job(["att", "add", "--attestation-id", id, "--name", `m${i}`, "--kind", "ARTIFACT", "--value", `m${i}.txt`]));
}

const stateRows = () => {
  const db = new Database(join(server.home, "cairn.db"), { readonly: true });
  try {
    return (db.query("SELECT count(*) AS n FROM attestation_states").get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe("remote crafting state", () => {
  test("init --remote-state, two jobs adding at once, status, push from a fourth job: nothing lost, verified, stored", async () => {
    const init = JSON.parse(ok(await job(["att", "init", "--workflow", "build", "--project", "skynet", "--remote-state", "-o", "json"])).stdout);
    const id: string = init.attestationId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(stateRows()).toBe(1);

    await Promise.all([addAll(id, [0, 2, 4, 6]), addAll(id, [1, 3, 5, 7])]); // jobs B and C, in parallel processes
    const status = JSON.parse(ok(await job(["att", "status", "-o", "json"], { CAIRN_ATTESTATION_ID: id })).stdout);
    expect(status.materials.map((m: { name: string }) => m.name).sort()).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"]);

    const pushed = JSON.parse(ok(await job(["att", "push", "--attestation-id", id, "--key", server.path("cosign.key"), "--bundle", "out.bundle", "-o", "json"])).stdout);
    expect(pushed).toMatchObject({ runId: id, dryRun: false, storedAt: `${srv.url}/api/v1/runs/${id}/attestation` });
    expect(existsSync(client.path("out.bundle"))).toBe(true);

    const run = server.json<{ run: { state: string; attestationDigest: string }; attestation: { materials: { name?: string }[] } }>(["workflow", "run", "describe", "--id", id]);
    expect(run.run).toMatchObject({ state: "succeeded", attestationDigest: pushed.digest });
    expect(run.attestation.materials.map((m) => m.name).sort()).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
    expect(stateRows()).toBe(0); // the remote state is gone with the push
    const again = await job(["att", "status", "--attestation-id", id]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining("has no crafting state on the control plane")]);
  }, 60_000);

  test("a local-state remote run works end to end; reset cancels on the server; the client has no store", async () => {
    ok(await job(["att", "init", "--workflow", "deploy", "--project", "skynet"]));
    expect(existsSync(client.statePath)).toBe(true);
    ok(await job(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", "m0.txt"]));
    const pushed = JSON.parse(ok(await job(["att", "push", "--key", server.path("cosign.key"), "-o", "json"])).stdout);
    expect(server.json<{ run: { state: string } }>(["workflow", "run", "describe", "--id", pushed.runId]).run.state).toBe("succeeded");
    expect(existsSync(client.statePath)).toBe(false);

    const id = JSON.parse(ok(await job(["att", "init", "--workflow", "deploy", "--project", "skynet", "--remote-state", "-o", "json"])).stdout).attestationId;
    const reset = JSON.parse(ok(await job(["att", "reset", "--attestation-id", id, "--trigger", "cancellation", "-o", "json"])).stdout);
    expect(reset).toEqual({ runId: id, state: "cancelled" });
    expect(server.json<{ run: { state: string } }>(["workflow", "run", "describe", "--id", id]).run.state).toBe("cancelled");

    expect(existsSync(join(client.home, "cairn.db"))).toBe(false);
    expect(existsSync(join(client.home, "cas"))).toBe(false);
    expect(existsSync(client.home) ? readdirSync(client.home) : []).toEqual(["attestation.state.json.pushed"]); // the push's receipt
  }, 60_000);

  test("usage errors: --remote-state or --attestation-id without a control plane, --remote-state with --dry-run", async () => {
    const noServer = { CAIRN_CONTROL_PLANE: "", CAIRN_TOKEN: "" };
    const a = await job(["att", "init", "--workflow", "w", "--project", "p", "--remote-state"], noServer);
    expect([a.code, a.stderr]).toEqual([2, expect.stringContaining("--remote-state")]);
    const b = await job(["att", "status", "--attestation-id", "x"], noServer);
    expect([b.code, b.stderr]).toEqual([2, expect.stringContaining("--attestation-id")]);
    const c = await job(["att", "init", "--workflow", "w", "--project", "p", "--remote-state", "--dry-run"]);
    expect(c.code).toBe(2);
    expect(existsSync(join(client.home, "cairn.db"))).toBe(false);
  }, 30_000);
});
