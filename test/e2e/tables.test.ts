import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { seedStore } from "../../bench/seed.ts";
import { BIN, Sandbox } from "./harness.ts";

// The harness passes an explicit env (no COLUMNS from the machine running the tests) and no TTY: the width comes
// only from the COLUMNS each test sets.
const longest = (out: string) => Math.max(...out.trimEnd().split("\n").map((l) => [...l].length));

describe("tables and reports fit the width (COLUMNS), --full keeps everything", () => {
  const sb = new Sandbox();
  let pushed: { digest: string; runId: string };
  const narrow = { COLUMNS: "80" };

  beforeAll(() => {
    writeFileSync(sb.path(`build-output-${"x".repeat(60)}.bin`), "a binary\n");
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    sb.ok(["att", "init", "--workflow", "build", "--project", "skynet"]);
    sb.ok(["att", "add", "--name", "binary", "--kind", "ARTIFACT", "--value", `build-output-${"x".repeat(60)}.bin`]);
    sb.ok(["att", "add", "--name", "build-ref", "--kind", "STRING", "--value", "v".repeat(150)]);
    pushed = sb.json(["att", "push", "--key", "cosign.key"]);
  });
  afterAll(() => sb.cleanup());

  test("`policy builtin` at COLUMNS=80: no line longer than 80, descriptions wrapped", () => {
    const out = sb.ok(["policy", "builtin"], narrow).stdout;
    expect(longest(out)).toBeLessThanOrEqual(80);
    expect(out).toContain("builtin:banned-licenses");
    // piped with no COLUMNS: the unbounded table of before, as --full prints it
    const piped = sb.ok(["policy", "builtin"]).stdout;
    expect(longest(piped)).toBeGreaterThan(80);
    expect(sb.ok(["policy", "builtin", "--full"], narrow).stdout).toBe(piped);
  });

  test("`workflow run describe` at COLUMNS=80: no line longer than 80, digests short; --full shows them whole", () => {
    const out = sb.ok(["workflow", "run", "describe", "--id", pushed.runId], narrow).stdout;
    expect(longest(out)).toBeLessThanOrEqual(80);
    expect(out).toContain(`${pushed.digest.slice(0, 15)}…`);
    expect(out).not.toContain(pushed.digest);
    for (const args of [["workflow", "run", "describe", "--id", pushed.runId, "--full"], ["--full", "workflow", "run", "describe", "--id", pushed.runId]]) {
      const full = sb.ok(args, narrow).stdout;
      expect(full).toMatch(/sha256:[0-9a-f]{64}/);
      expect(full).toContain(pushed.digest);
    }
  });

  test("`workflow run list` at COLUMNS=100 and 80: fits with the digest short; --full (before or after the command) prints it whole", () => {
    // its nine headers alone need 95 columns: at 100 all nine are shown
    const out = sb.ok(["workflow", "run", "list"], { COLUMNS: "100" }).stdout;
    expect(longest(out)).toBeLessThanOrEqual(100);
    expect(out).toContain(pushed.digest.slice(0, 10));
    expect(out).not.toContain(pushed.digest);
    expect(out).toMatch(/│ FINISHED +│/);
    // at 80, six: the workflow as project/workflow, FINISHED and REVISION (in `describe`) left out
    const at80 = sb.ok(["workflow", "run", "list"], narrow).stdout;
    expect(longest(at80)).toBeLessThanOrEqual(80);
    expect(at80).toMatch(/│ ID +│ WORKFLOW +│ STATE +│ POLICY +│ CREATED +│ ATTESTATION +│/);
    expect(at80).not.toContain("FINISHED");
    expect(at80).toMatch(/│ skynet\/build +│ succeeded +│/);
    expect(at80).toContain(pushed.digest.slice(0, 10));
    expect(sb.ok(["workflow", "run", "list", "--full"], narrow).stdout).toContain(pushed.digest);
    expect(sb.ok(["--full", "workflow", "run", "list"], narrow).stdout).toContain(pushed.digest);
    // -o json is never shortened
    expect(sb.ok(["workflow", "run", "list", "-o", "json"], narrow).stdout).toContain(pushed.digest);
  });

  test("`att status --full` still adds the values and digests (the command's own --full)", () => {
    sb.ok(["att", "init", "--workflow", "build", "--project", "skynet"]);
    sb.ok(["att", "add", "--name", "build-ref", "--kind", "STRING", "--value", "v1.2.3"]);
    const status = sb.ok(["att", "status"], narrow).stdout;
    expect(longest(status)).toBeLessThanOrEqual(80);
    expect(status).not.toContain("v1.2.3");
    expect(sb.ok(["att", "status", "--full"], narrow).stdout).toMatch(/v1\.2\.3[\s\S]*sha256:[0-9a-f]{64}/);
  });

  test("`att push` keeps the digest the user copies whole, whatever the width", () => {
    const out = sb.ok(["att", "push", "--key", "cosign.key"], narrow).stdout;
    expect(out).toMatch(/│ Digest +│ sha256:[0-9a-f]{64} │/);
  });
});

describe("a reader that stops early (`cairn … | head -c 1`)", () => {
  const sb = new Sandbox();
  beforeAll(() => void seedStore(sb.home, 1000));
  afterAll(() => sb.cleanup());

  test("ends cairn quietly with exit 1: no error line, never 0, the reader got what it read", () => {
    // ~400 KB of JSON: more than a pipe holds, so the write meets the closed pipe whatever the timing.
    const script = `set -o pipefail; "${BIN}" workflow run list --limit 1000 -o json | head -c 1; rc=$?; echo; echo "rc=$rc"`;
    const r = Bun.spawnSync(["bash", "-c", script], { cwd: sb.dir, env: sb.env, stdout: "pipe", stderr: "pipe" });
    expect(r.stdout.toString()).toBe("{\nrc=1\n");
    expect(r.stderr.toString()).toBe("");
    expect(JSON.parse(sb.ok(["workflow", "run", "list", "--limit", "1000", "-o", "json"]).stdout).items).toHaveLength(1000);
  });
});
