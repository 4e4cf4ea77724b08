import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { Sandbox } from "./harness.ts";

const SECTIONS = ["Run", "Contract", "Signer", "Materials", "Annotations", "Runner and env", "Git HEAD"];
const LONG_DIR = `out/${"a-deeply-nested-build-output-directory/".repeat(4)}`;
const FILE_NAME = `application-${"x".repeat(90)}.bin`;
const LONG_FILE = `${LONG_DIR}${FILE_NAME}`;

describe("workflow run describe: a report that fits 100 columns", () => {
  const sb = new Sandbox();
  let pushed: { digest: string; runId: string };

  beforeAll(() => {
    const git = (...args: string[]) => Bun.spawnSync(["git", ...args], { cwd: sb.dir, env: { ...sb.env, GIT_AUTHOR_NAME: "Ada", GIT_AUTHOR_EMAIL: "ada@example.com", GIT_COMMITTER_NAME: "Ada", GIT_COMMITTER_EMAIL: "ada@example.com" } });
    mkdirSync(sb.path(LONG_DIR), { recursive: true });
    writeFileSync(sb.path(LONG_FILE), "a binary with a long name\n");
    git("init", "-q");
    git("add", "-A");
    git("commit", "-q", "-m", `release: ${"a very long commit subject ".repeat(6)}\n\nbody text`);
    sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
    sb.ok(["att", "init", "--workflow", "build", "--project", "skynet"]);
    sb.ok(["att", "add", "--name", "binary", "--kind", "ARTIFACT", "--value", LONG_FILE, "--annotation", `note=${"n".repeat(200)}`]);
    sb.ok(["att", "add", "--name", "build-ref", "--kind", "STRING", "--value", "v".repeat(180)]);
    pushed = sb.json(["att", "push", "--key", "cosign.key", "--annotation", `description=${"d".repeat(250)}`]);
  });
  afterAll(() => sb.cleanup());

  test("sections present, every line within 100 columns, long values cut with …", () => {
    const out = sb.ok(["workflow", "run", "describe", "--id", pushed.runId, "--verify", "--key", "cosign.pub"]).stdout;
    const lines = out.trimEnd().split("\n");
    for (const h of SECTIONS) expect(lines).toContain(h);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(100);
    expect(out).toContain(pushed.runId);
    expect(out).toContain(`${pushed.digest.slice(0, 15)}…`);
    expect(out).not.toContain(pushed.digest);
    expect(lines.some((l) => l.includes("application-xxx") && l.endsWith("…"))).toBe(true);
    expect(out).toContain("release: a very long");
    expect(out).not.toContain("body text");
    expect(lines.some((l) => l.includes("description=ddd") && l.endsWith("…"))).toBe(true);
  });

  test("COLUMNS narrows the report; --full prints full digests and values", () => {
    const narrow = sb.ok(["workflow", "run", "describe", "--id", pushed.runId], { COLUMNS: "70" }).stdout;
    for (const l of narrow.trimEnd().split("\n")) expect([...l].length).toBeLessThanOrEqual(70);
    const full = sb.ok(["workflow", "run", "describe", "--id", pushed.runId, "--full"]).stdout;
    for (const s of [pushed.digest, FILE_NAME, "v".repeat(180), "d".repeat(250)]) expect(full).toContain(s);
  });

  test("-o json still carries everything", () => {
    const d = sb.json<{ run: { id: string; attestationDigest: string }; attestation: { materials: { name: string; value: string; digest: string; annotations: Record<string, string> }[]; statement: { predicate: { annotations: Record<string, string> } } } }>([
      "workflow", "run", "describe", "--id", pushed.runId,
    ]);
    expect(d.run.attestationDigest).toBe(pushed.digest);
    const binary = d.attestation.materials.find((m) => m.name === "binary")!;
    expect(binary.value).toBe(FILE_NAME); // the file's name is recorded, not its path
    expect(binary.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(binary.annotations.note).toBe("n".repeat(200));
    expect(d.attestation.statement.predicate.annotations.description).toBe("d".repeat(250));
  });
});
