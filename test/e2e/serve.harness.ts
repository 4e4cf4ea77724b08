// `cairn serve` from the compiled binary on 127.0.0.1:0, seeded through the CLI on the same home.
import type { Subprocess } from "bun";
import { writeFileSync } from "node:fs";
import { BIN, Sandbox } from "./harness.ts";

export interface Served {
  proc: Subprocess<"ignore", "ignore", "pipe">;
  url: string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number>;
}

/** Starts the server and waits for its "listening on" line (the bound address). */
export async function serve(sb: Sandbox, args: string[] = []): Promise<Served> {
  const proc = Bun.spawn([BIN, "serve", "--listen", "127.0.0.1:0", ...args], { cwd: sb.dir, env: sb.env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  let err = "";
  const reader = proc.stderr.getReader();
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      err += new TextDecoder().decode(value);
    }
  })();
  const deadline = Date.now() + 10_000;
  while (!/listening on (https?:\/\/\S+)/.test(err)) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`cairn serve did not start:\n${err}`);
    await Bun.sleep(20);
  }
  const url = /listening on (https?:\/\/\S+)/.exec(err)![1]!;
  return {
    proc,
    url,
    stderr: () => err,
    stop: async () => {
      proc.kill("SIGTERM");
      const code = await proc.exited;
      await pump;
      return code;
    },
  };
}

export interface Seeded {
  runs: Record<"p1build" | "p1test" | "p2deploy" | "other", { runId: string; digest: string }>;
  tokens: Record<"org" | "p1" | "p1build" | "p2" | "revoked" | "expired" | "other", string>;
  tokenIds: Record<string, string>;
}

/** Through the CLI: default has p1/build, p1/test, p2/deploy; organization other has o/job; tokens of each kind. */
export async function seed(sb: Sandbox): Promise<Seeded> {
  sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
  for (const [f, c] of Object.entries({ "shared.bin": "shared\n", "p1.bin": "p1 only\n", "p1test.bin": "p1 test\n", "p2.bin": "p2 only\n", "other.bin": "other only\n" })) {
    writeFileSync(sb.path(f), c);
  }
  const push = (workflow: string, project: string, files: string[], env: Record<string, string> = {}) => {
    sb.ok(["att", "init", "--workflow", workflow, "--project", project, "--replace"], env);
    files.forEach((f, i) => sb.ok(["att", "add", "--name", `m${i}`, "--kind", "ARTIFACT", "--value", f], env));
    return sb.json<{ runId: string; digest: string }>(["att", "push", "--key", "cosign.key"], env);
  };
  const runs = {
    p1build: push("build", "p1", ["shared.bin", "p1.bin"]),
    p1test: push("test", "p1", ["p1test.bin"]),
    p2deploy: push("deploy", "p2", ["shared.bin", "p2.bin"]),
    other: { runId: "", digest: "" },
  };
  sb.ok(["org", "create", "--name", "other"]);
  runs.other = push("job", "o", ["other.bin"], { CAIRN_ORG: "other" });
  const token = (name: string, extra: string[] = [], env: Record<string, string> = {}) =>
    sb.json<{ id: string; token: string }>(["org", "api-token", "create", "--name", name, ...extra], env);
  const made = {
    org: token("ci", ["--role", "admin"]),
    p1: token("p1", ["--project", "p1"]),
    p1build: token("p1build", ["--project", "p1", "--workflow", "build"]),
    p2: token("p2", ["--project", "p2"]),
    revoked: token("gone"),
    expired: token("old", ["--expiration", "1s"]),
    other: token("o", ["--role", "admin"], { CAIRN_ORG: "other" }),
  };
  sb.ok(["org", "api-token", "revoke", "--id", made.revoked.id]);
  await Bun.sleep(1100); // the 1s token expires
  const tokens = Object.fromEntries(Object.entries(made).map(([k, v]) => [k, v.token])) as Seeded["tokens"];
  const tokenIds = Object.fromEntries(Object.entries(made).map(([k, v]) => [k, v.id]));
  return { runs, tokens, tokenIds };
}
