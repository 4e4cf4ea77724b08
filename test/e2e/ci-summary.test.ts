// CI integration through the compiled binary: the Markdown summary of push and status (GITHUB_STEP_SUMMARY appended
// to, --summary FILE overwritten, an unwritable one only warned about), and the run's web page printed after a push
// to `cairn serve`.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, Sandbox } from "./harness.ts";
import { serve, type Served } from "./serve.harness.ts";

const CONTRACT = "schemaVersion: v1\nmaterials:\n  - {name: binary, type: ARTIFACT, output: true}\n";
const sb = new Sandbox();
beforeAll(() => {
  sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
  writeFileSync(sb.path("contract.yaml"), CONTRACT);
  writeFileSync(sb.path("app.bin"), "the build output\n");
});
afterAll(() => sb.cleanup());

const sha = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");
const craft = (env: Record<string, string> = {}) => {
  sb.ok(["att", "init", "--workflow", "build", "--project", "app", "--contract", "contract.yaml", "--replace"], env);
  sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"], env);
};
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("Markdown summary", () => {
  test("GITHUB_STEP_SUMMARY is appended to by every push: materials, kinds, short digests, attestation and provenance digests", () => {
    const file = sb.path("step-summary.md");
    writeFileSync(file, "## an earlier step\n");
    const env = { GITHUB_STEP_SUMMARY: file };
    const digests: string[] = [];
    for (let i = 0; i < 2; i++) {
      craft(env);
      const r = sb.json<{ digest: string; storedAt: string; provenance: { digest: string } }>(["att", "push", "--key", "cosign.key"], env);
      digests.push(r.digest, r.provenance.digest);
    }
    const md = readFileSync(file, "utf8");
    expect(md.startsWith("## an earlier step\n")).toBe(true);
    expect(count(md, "### cairn: attestation pushed")).toBe(2);
    expect(count(md, `| binary (output) | ARTIFACT | \`sha256:${sha("the build output\n").slice(0, 8)}…\` |`)).toBe(2);
    expect(count(md, "| Workflow | app/build |")).toBe(2);
    expect(md).toMatch(/\| Contract \| \S+, revision 1 \(latest\) \|/);
    for (const d of digests) expect(md).toContain(`\`${d}\``);
    expect(md).toContain("| SLSA provenance |");
  });

  test("--summary FILE is overwritten; status writes one too, naming what is still required", () => {
    const file = sb.path("summary.md");
    writeFileSync(file, "stale\n");
    sb.ok(["att", "init", "--workflow", "build", "--project", "app", "--contract", "contract.yaml", "--replace"]);
    sb.ok(["att", "status", "--summary", "summary.md"]);
    let md = readFileSync(file, "utf8");
    expect(md).not.toContain("stale");
    expect(md).toContain("### cairn: attestation in progress");
    expect(md).toContain("| Still required | binary |");
    expect(md).toContain("| binary (output) | ARTIFACT | not set |");
    sb.ok(["att", "add", "--name", "binary", "--value", "app.bin"]);
    const r = sb.json<{ digest: string }>(["att", "push", "--key", "cosign.key", "--summary", "summary.md"]);
    md = readFileSync(file, "utf8");
    expect(count(md, "### cairn:")).toBe(1);
    expect(md).toContain(`| Attestation | \`${r.digest}\` stored at `);
  });

  test("a summary that cannot be written warns; the push still succeeds", () => {
    craft();
    const r = sb.run(["att", "push", "--key", "cosign.key", "--summary", sb.path("no-such-dir", "s.md")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`WRN the summary was not written to ${sb.path("no-such-dir", "s.md")} (--summary)`);
    expect(existsSync(sb.statePath)).toBe(false); // pushed: the state is gone
  });


  test("a push blocked by a policy gate (exit 4) is summarised too: the verdict per policy, blocked", () => {
    cpSync(join(FIXTURES, "policies"), sb.path("fx"), { recursive: true });
    cpSync(join(FIXTURES, "contracts", "gated.yaml"), sb.path("gated.yaml"));
    const file = sb.path("gated-summary.md");
    sb.ok(["att", "init", "--workflow", "gated", "--project", "app", "--contract", "gated.yaml", "--replace"]);
    sb.ok(["att", "add", "--name", "sbom", "--value", "fx/sbom/banned.cdx.json"]);
    sb.ok(["att", "add", "--name", "tests", "--value", "fx/junit/fail.xml"]);
    const r = sb.run(["att", "push", "--key", "cosign.key"], { GITHUB_STEP_SUMMARY: file });
    expect(r.code).toBe(4);
    const md = readFileSync(file, "utf8");
    expect(md).toContain("### cairn: attestation pushed, blocked by a policy gate");
    expect(md).toContain("| Policy gate | **blocked**: gated policy violations |");
    expect(md).toMatch(/\| sbom \| banned-licenses \| yes \| \*\*blocked\*\*: 1 violation<br>no-banned-license: component ghostscript/);
    expect(md).toMatch(/\| tests \| junit-no-failures \| no \| 2 violations<br>/);
  });
});

describe("run URL after a push to cairn serve", () => {
  const server = new Sandbox();
  const client = new Sandbox();
  let srv: Served;
  let remote: Record<string, string> = {};
  beforeAll(async () => {
    server.ok(["keys", "generate", "--output-prefix", "cosign"]);
    server.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
    const token = server.json<{ token: string }>(["org", "api-token", "create", "--name", "ci"]).token;
    srv = await serve(server);
    remote = { CAIRN_CONTROL_PLANE: srv.url, CAIRN_TOKEN: token };
    writeFileSync(client.path("contract.yaml"), CONTRACT);
    writeFileSync(client.path("app.bin"), "remote output\n");
  }, 60_000);
  afterAll(async () => {
    if (srv.proc.exitCode === null) expect(await srv.stop()).toBe(0);
    server.cleanup();
    client.cleanup();
  });

  test("the table prints Run: URL, -o json has runUrl, the summary links it, and the page exists (login first)", async () => {
    const summary = client.path("summary.md");
    const push = (args: string[]) => {
      client.ok(["att", "init", "--workflow", "build", "--project", "app", "--contract", "contract.yaml"], remote);
      client.ok(["att", "add", "--name", "binary", "--value", "app.bin"], remote);
      return client.ok(["att", "push", "--key", server.path("cosign.key"), ...args], { ...remote, GITHUB_STEP_SUMMARY: summary });
    };
    const table = push([]).stdout;
    const url = /^Run: (\S+)$/m.exec(table)?.[1];
    expect(url).toMatch(new RegExp(`^${srv.url}/runs/[0-9a-f-]{36}$`));
    const json = JSON.parse(push(["-o", "json"]).stdout) as { runId: string; runUrl: string };
    expect(json.runUrl).toBe(`${srv.url}/runs/${json.runId}`);
    expect(readFileSync(summary, "utf8")).toContain(`| Run | [${json.runUrl}](${json.runUrl}) |`);
    for (const u of [url!, json.runUrl]) {
      const page = await fetch(u, { redirect: "manual" });
      expect(page.status).toBe(303);
      expect(page.headers.get("location")).toStartWith("/login");
    }
  }, 60_000);
});
