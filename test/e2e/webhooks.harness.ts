// Webhook fault tests' support: a served home whose pushes go through the server, and a real receiver in the test
// process that can be down (not listening) and come back on the same port.
import { writeFileSync } from "node:fs";
import { BIN, Sandbox, type Run } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

/** The receiver of the unit tests: listens from construction, `down()`/`up()` on the same port. */
export { Receiver } from "../../src/services/webhooks/receiver.testutil.ts";

export interface DeliveryRow {
  id: string;
  event: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

/** A home served by `cairn serve` (the given flags), with a key the server verifies pushes with, and a CI token. */
export class ServedHome {
  readonly sb = new Sandbox();
  readonly client = new Sandbox();
  srv!: Served;
  token = "";

  async start(args: string[] = [], env: Record<string, string> = {}): Promise<this> {
    Object.assign(this.sb.env, env);
    this.sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    this.sb.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
    this.token = this.sb.json<{ token: string }>(["org", "api-token", "create", "--name", "ci", "--role", "admin"]).token;
    this.srv = await serve(this.sb, args);
    return this;
  }

  /** `cairn serve` again on the same home (after a stop or a kill). */
  async restart(args: string[] = []): Promise<void> {
    this.srv = await serve(this.sb, args);
  }

  /** The CLI on a CI machine (its own HOME), through the server. */
  remote(args: string[], extraEnv: Record<string, string> = {}): Run {
    return this.client.run(args, { CAIRN_CONTROL_PLANE: this.srv.url, CAIRN_TOKEN: this.token, ...extraEnv });
  }

  remoteOk(args: string[]): Run {
    const r = this.remote(args);
    if (r.code !== 0) throw new Error(`cairn ${args.join(" ")} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
    return r;
  }

  addHook(name: string, url: string, events: string[], extra: string[] = [], env: Record<string, string> = {}): void {
    this.sb.ok(["org", "webhook", "add", "--name", name, "--url", url, "--events", events.join(","), ...extra], env);
  }

  /** Oldest first. */
  deliveries(name: string): DeliveryRow[] {
    return this.sb.json<{ items: DeliveryRow[] }>(["org", "webhook", "deliveries", "--name", name, "--limit", "100"]).items.reverse();
  }

  /** The CLI through the server, without blocking this process (its receiver keeps answering meanwhile). */
  async remoteAsync(args: string[]): Promise<Run & { ms: number }> {
    const started = performance.now();
    const p = Bun.spawn([BIN, ...args], {
      cwd: this.client.dir,
      env: { ...this.client.env, CAIRN_CONTROL_PLANE: this.srv.url, CAIRN_TOKEN: this.token },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`cairn ${args.join(" ")} exited ${code}\n${stderr}\n${stdout}`);
    return { code, stdout, stderr, ms };
  }

  /** init, add one file, push, all through the server; returns the run id and the push's wall time (ms). */
  async push(i: number): Promise<{ runId: string; ms: number }> {
    writeFileSync(this.client.path(`m${i}.txt`), `material ${i}\n`);
    await this.remoteAsync(["att", "init", "--workflow", "build", "--project", "p", "--replace"]);
    await this.remoteAsync(["att", "add", "--name", "bin", "--kind", "ARTIFACT", "--value", `m${i}.txt`]);
    const r = await this.remoteAsync(["att", "push", "--key", this.sb.path("cosign.key"), "-o", "json"]);
    return { runId: (JSON.parse(r.stdout) as { runId: string }).runId, ms: r.ms };
  }

  async cleanup(): Promise<void> {
    if (this.srv?.proc.exitCode === null) await this.srv.stop();
    this.sb.cleanup();
    this.client.cleanup();
  }
}

/** Polls until `done` (or throws after `ms`). */
export async function until(what: string, done: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

export const p99 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.99) - 1)]!;
