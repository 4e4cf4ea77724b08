// Three `cairn serve` replicas of the compiled binary on one PostgreSQL database and one shared CAS (a real
// docker-registry), each with a home of its own; clients pick replicas round-robin, with no special routing.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { startRegistry, type RunningRegistry } from "../../src/oci/registry.testutil.ts";
import { pgMissing, testDatabase, type TestDatabase } from "../../src/store/pg/pg.testutil.ts";
import { BIN, Sandbox, type Run } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

setDefaultTimeout(120_000);
const skip = pgMissing();

const admin = new Sandbox(); // the operator's machine: commands run beside the replicas, on the shared database
const homes = [new Sandbox(), new Sandbox(), new Sandbox()];
const client = new Sandbox(); // CI machines: no store of their own
let pg: TestDatabase;
let registry: RunningRegistry;
let replicas: Served[] = [];
let token = "";

beforeAll(async () => {
  if (skip) return;
  pg = (await testDatabase({ migrate: false }))!;
  registry = await startRegistry();
  for (const sb of [admin, ...homes]) sb.env.CAIRN_DATABASE_URL = pg.url;
  admin.ok(["keys", "generate", "--output-prefix", "cosign"]);
  copyFileSync(admin.path("cosign.key"), client.path("cosign.key"));
  admin.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
  // The shared CAS: the default backend lives in the shared database, so every replica stores evidence there.
  admin.ok(["cas-backend", "add", "oci", "--name", "shared", "--repo", `${registry.host}/evidence`, "--insecure-http", "--default"]);
  token = admin.json<{ token: string }>(["org", "api-token", "create", "--name", "ci"]).token;
  replicas = await Promise.all(homes.map((h) => serve(h)));
  for (let i = 0; i < 12; i++) writeFileSync(client.path(`m${i}.txt`), `material ${i}\n`);
});

afterAll(async () => {
  for (const r of replicas) if (r.proc.exitCode === null) await r.stop();
  await registry?.stop();
  await pg?.drop();
  for (const sb of [admin, ...homes, client]) sb.cleanup();
});

/** The replicas a client may pick: a load balancer's health check drops a killed one from the rotation. */
const live = () => replicas.filter((r) => r.proc.exitCode === null && !r.proc.killed);

/** A cairn process on a CI machine against the `i`-th live replica (mod their number). */
async function on(i: number, args: string[], tok = token): Promise<Run> {
  const pool = live();
  const url = pool[i % pool.length]!.url;
  const p = Bun.spawn([BIN, ...args], { cwd: client.dir, env: { ...client.env, CAIRN_CONTROL_PLANE: url, CAIRN_TOKEN: tok }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, stdout, stderr };
}
const ok = (r: Run): Run => {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r;
};
const json = async <T,>(i: number, args: string[]): Promise<T> => JSON.parse(ok(await on(i, [...args, "-o", "json"])).stdout) as T;

/** init, two adds and a push, each step on the next replica; returns the push. */
async function craft(workflow: string, first: number, materials: number[]): Promise<{ runId: string; digest: string }> {
  const init = await json<{ attestationId: string }>(first, ["att", "init", "--workflow", workflow, "--project", "scale", "--remote-state"]);
  for (const [k, m] of materials.entries()) {
    ok(await on(first + 1 + k, ["att", "add", "--attestation-id", init.attestationId, "--name", `m${m}`, "--kind", "ARTIFACT", "--value", `m${m}.txt`]));
  }
  return json(first + 1 + materials.length, ["att", "push", "--attestation-id", init.attestationId, "--key", "cosign.key"]);
}

async function attestationsOf(runId: string): Promise<number> {
  const rows = await pg.db.query<{ n: number }>("SELECT count(*) AS n FROM attestations WHERE run_id = $1 AND predicate_type = 'https://cairn.dev/attestation/v0.1'", [runId]);
  return rows[0]!.n;
}

describe.skipIf(skip !== undefined)(`three replicas on PostgreSQL and a shared registry CAS${skip ? ` (skipped: ${skip})` : ""}`, () => {
  test("remote crafting: init, each add and the push on a different replica; every replica then answers for the run", async () => {
    const r = await craft("build", 0, [0, 1]);
    expect(r.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (let i = 0; i < 3; i++) {
      // Each replica reads the signed bundle back from the shared CAS to describe the run.
      const d = await json<{ run: { state: string }; attestation: { digest: string; materials: { name: string }[] } }>(i, ["workflow", "run", "describe", "--id", r.runId]);
      expect([d.run.state, d.attestation.digest, d.attestation.materials.map((m) => m.name).sort()]).toEqual(["succeeded", r.digest, ["m0", "m1"]]);
    }
    expect(await attestationsOf(r.runId)).toBe(1);
  });

  test("concurrent pushes of different runs through all replicas are all recorded", async () => {
    const pushes = await Promise.all([0, 1, 2, 3, 4, 5].map((k) => craft(`job-${k}`, k, [k + 2])));
    expect(new Set(pushes.map((p) => p.runId)).size).toBe(6);
    for (const p of pushes) expect(await attestationsOf(p.runId)).toBe(1);
    const listed = await json<{ items: { id: string }[] }>(1, ["workflow", "run", "list", "--project", "scale", "--limit", "50"]);
    for (const p of pushes) expect(listed.items.map((i) => i.id)).toContain(p.runId);
  });

  test("the same run pushed through two replicas at once is recorded once", async () => {
    const init = await json<{ attestationId: string }>(0, ["att", "init", "--workflow", "race", "--project", "scale", "--remote-state"]);
    ok(await on(1, ["att", "add", "--attestation-id", init.attestationId, "--name", "m", "--kind", "ARTIFACT", "--value", "m9.txt"]));
    const both = await Promise.all([1, 2].map((i) => on(i, ["att", "push", "--attestation-id", init.attestationId, "--key", "cosign.key", "-o", "json"])));
    expect(both.some((r) => r.code === 0)).toBe(true);
    const recorded = await pg.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM attestations a JOIN workflow_runs r ON r.id = a.run_id JOIN workflows w ON w.id = r.workflow_id WHERE w.name = 'race' AND a.predicate_type = 'https://cairn.dev/attestation/v0.1'",
    );
    expect(recorded[0]!.n).toBe(1);
  });

  test("a token revoked beside the replicas is refused by every replica within a second", async () => {
    const t = admin.json<{ id: string; token: string }>(["org", "api-token", "create", "--name", "short-lived"]);
    for (let i = 0; i < 3; i++) ok(await on(i, ["workflow", "list"], t.token));
    admin.ok(["org", "api-token", "revoke", "--id", t.id]);
    const start = Date.now();
    for (let i = 0; i < 3; i++) {
      const r = await on(i, ["workflow", "list"], t.token);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("revoked");
    }
    expect(Date.now() - start).toBeLessThan(1000 * 3 + 2000); // three CLI starts; each refusal is immediate (the notice dropped any cached entry)
  });

  test("a token cached by one replica and revoked through another is refused by the first within a second", async () => {
    const ops = admin.json<{ token: string }>(["org", "api-token", "create", "--name", "ops", "--role", "admin"]).token;
    const t = admin.json<{ id: string; token: string }>(["org", "api-token", "create", "--name", "cached"]);
    const [a, b] = live();
    const whoami = async (r: Served, tok: string) => (await fetch(`${r.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${tok}` } })).status;
    for (let i = 0; i < 20; i++) {
      expect(await whoami(b!, t.token)).toBe(200); // the first use starts b's pings; once one is back, b caches the token
      await Bun.sleep(25);
    }
    // Proof that b answers from its cache: a change behind cairn's back (no notice) is not seen at once.
    await pg.db.query("UPDATE api_tokens SET revoked_at = '2000-01-01T00:00:00.000Z' WHERE id = $1", [t.id]);
    expect(await whoami(b!, t.token)).toBe(200);
    await pg.db.query("UPDATE api_tokens SET revoked_at = NULL WHERE id = $1", [t.id]);
    const revoked = await fetch(`${a!.url}/api/v1/tokens/${t.id}`, { method: "DELETE", headers: { authorization: `Bearer ${ops}` } });
    expect(revoked.status).toBe(200);
    const start = performance.now();
    let status = 200;
    while (status === 200 && performance.now() - start < 1000) {
      status = await whoami(b!, t.token);
      if (status === 200) await Bun.sleep(5);
    }
    expect(status).toBe(401);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  test("kill -9 of a replica under load loses no acknowledged push, and fsck of the shared store is clean", async () => {
    const results = Promise.all([0, 1, 2, 3, 4, 5].map((k) => craft(`load-${k}`, k, [k]).then((p) => ({ ok: true as const, p }), (e: unknown) => ({ ok: false as const, e }))));
    await Bun.sleep(150);
    replicas[2]!.proc.kill("SIGKILL");
    const done = await results;
    const acknowledged = done.filter((d) => d.ok).map((d) => (d as { p: { runId: string; digest: string } }).p);
    console.log(`kill -9 of one replica under load: ${acknowledged.length} of ${done.length} pushes acknowledged, the rest failed in flight`);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const p of acknowledged) expect(await attestationsOf(p.runId)).toBe(1);
    const fsck = admin.run(["store", "fsck", "--remote", "-o", "json"]);
    expect(fsck.code).toBe(0);
  });
});
