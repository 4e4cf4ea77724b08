// The crash suite, `cairn serve` under concurrent clients: CI jobs init, add and push against the server while the
// server (and now and then a client) is killed -9 at seeded random points. After each round the server restarts
// on the same address, every job's next command just works, the server's CAS has no leftovers, fsck is clean, and
// every attestation a push acknowledged is stored and verifies.
import type { Subprocess } from "bun";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { BIN, Sandbox, type Run } from "./harness.ts";
import { crashSeed, digestOf, expectSound, expectStored, leftovers, prng } from "./crash.harness.ts";

const rand = prng(crashSeed("crash-serve"));
const server = new Sandbox();
const client = new Sandbox();
const acknowledged = new Set<string>();
let remote: Record<string, string> = {};
let port = 0;
let proc: Subprocess | undefined;
let kills = 0;

async function startServer(): Promise<void> {
  proc = Bun.spawn([BIN, "serve", "--listen", `127.0.0.1:${port}`], { cwd: server.dir, env: server.env, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await fetch(`${remote.CAIRN_CONTROL_PLANE}/healthz`).then((r) => r.status < 500, () => false);
    if (up) return;
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error("cairn serve did not come back");
    await Bun.sleep(25);
  }
}

beforeAll(async () => {
  server.ok(["keys", "generate"]);
  server.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
  copyFileSync(server.path("cosign.key"), client.path("cosign.key"));
  const token = server.json<{ token: string }>(["org", "api-token", "create", "--name", "ci"]).token;
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  port = probe.port!;
  probe.stop(true);
  remote = { CAIRN_CONTROL_PLANE: `http://127.0.0.1:${port}`, CAIRN_TOKEN: token };
  await startServer();
}, 30_000);
afterAll(async () => {
  console.log(`crash-serve: ${kills} kills`);
  proc?.kill("SIGKILL");
  await proc?.exited;
  server.cleanup();
  client.cleanup();
});

/** A CI job cycling init → add → push with its own state file; a failed step is the one its user runs again. */
class Job {
  step = 0;
  running?: Subprocess;
  constructor(readonly n: number) {}

  private args(): string[] {
    const file = `job${this.n}.bin`;
    if (this.step === 1) writeFileSync(client.path(file), Buffer.alloc(512 * 1024, `${this.n}:${Date.now()}:${Math.random()}`));
    return [
      ["att", "init", "--workflow", `job${this.n}`, "--project", "crash", "--replace"],
      ["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", file],
      ["att", "push", "--key", "cosign.key", "-o", "json"],
    ][this.step]!;
  }

  /** Runs steps until one fails (the server went away, or this job was killed); false then. */
  async cycle(until: () => boolean): Promise<void> {
    while (!until()) {
      const r = await this.run();
      if (r.code !== 0) return;
      this.advance(r);
    }
  }

  /** The user's next command after a crash: the failed step again, which must work, then on to the push. */
  async finish(): Promise<void> {
    do {
      const r = await this.run();
      if (r.code !== 0) throw new Error(`job ${this.n}: step ${this.step} after the crash exited ${r.code}\n${r.stderr}`);
      this.advance(r);
    } while (this.step !== 0);
  }

  private advance(r: Run): void {
    if (this.step === 2) acknowledged.add(digestOf(r));
    this.step = (this.step + 1) % 3;
  }

  private async run(): Promise<Run> {
    const env = { ...client.env, ...remote, CAIRN_STATE_PATH: client.path(`job${this.n}.state.json`) };
    const p = Bun.spawn([BIN, ...this.args()], { cwd: client.dir, env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    this.running = p;
    const [stdout, stderr] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
    const code = await p.exited;
    this.running = undefined;
    return { code, stdout, stderr };
  }
}

test("kill -9 of cairn serve (and of its clients) at random points: restart, the next commands work, nothing lost", async () => {
  const jobs = [0, 1, 2].map((n) => new Job(n));
  const deadline = Date.now() + 70_000; // a cap for a slow CI machine: 24 kills take 15–35 s here
  let serverKills = 0;
  while (kills < 24 && Date.now() < deadline) {
    let stop = false;
    const cycles = jobs.map((j) => j.cycle(() => stop));
    await Bun.sleep(rand(50, 300));
    const victim = jobs[rand(0, jobs.length)]!.running;
    if (victim && victim.exitCode === null) {
      victim.kill("SIGKILL");
      kills++;
    }
    await Bun.sleep(rand(0, 500));
    proc!.kill("SIGKILL");
    await proc!.exited;
    kills++;
    serverKills++;
    stop = true;
    await Promise.all(cycles);
    await startServer();
    await Promise.all(jobs.map((j) => j.finish()));
    expect(leftovers(server.home)).toEqual([]);
    await expectSound(server, "cosign.pub");
    expectStored(server.home, acknowledged);
  }
  expect(kills).toBeGreaterThanOrEqual(24);
  expect(serverKills).toBeGreaterThanOrEqual(12);
}, 110_000);
