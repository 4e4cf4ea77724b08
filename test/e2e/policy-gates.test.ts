// Policies in the crafting flow through the compiled binary: evaluations at add (status shows them), a violated gate
// at push → exit 4 with the attestation stored and the run blocked (run list: STATE and POLICY blocked, filterable),
// the bypass → exit 0 recorded, a clean SBOM → 0, `check` failing on the violating SBOM, and a remote push (cairn
// serve) carrying the evaluations through ingest, listed blocked on the server and through --control-plane.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, Sandbox } from "./harness.ts";
import { serve } from "./serve.harness.ts";

const CONTRACT = readFileSync(join(FIXTURES, "contracts/gated.yaml"), "utf8");

interface Evaluation {
  policy: string;
  material?: string;
  gate: boolean;
  violations: { rule: string; message: string }[];
}

interface Described {
  run: { id: string; state: string; reason: string | null; attestationDigest: string | null; policyStatus: string | null };
  attestation?: { statement: { predicate: Record<string, unknown> & { policyEvaluations?: Evaluation[] } } };
}

const sb = new Sandbox();
/** The run the first test's push blocked. */
let blockedRun = "";
beforeAll(() => {
  cpSync(join(FIXTURES, "policies"), sb.path("fx"), { recursive: true });
  writeFileSync(sb.path("contract.yaml"), CONTRACT);
  sb.ok(["keys", "generate", "--output-prefix", "cosign"]);
});
afterAll(() => sb.cleanup());

const init = () => sb.ok(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", "contract.yaml", "--replace"]);
const add = (name: string, file: string) => sb.ok(["att", "add", "--name", name, "--value", file]);
const push = (...extra: string[]) => sb.run(["att", "push", "--key", "cosign.key", ...extra]);
const describeRun = (id: string) => sb.json<Described>(["workflow", "run", "describe", "--id", id]);

interface RunPage {
  items: { id: string; state: string; reason: string | null; policyStatus: string | null }[];
}

/** The run list table's row for a run: its cells (the table may draw borders). */
function tableRow(table: string, runId: string): string[] {
  const line = table.split("\n").find((l) => l.includes(runId))!;
  return line.split(/\s*│\s*|\s{2,}/).map((c) => c.trim()).filter((c) => c !== "");
}

function lastRunId(): string {
  const page = sb.json<{ items: { id: string }[] }>(["workflow", "run", "list"]);
  return page.items[0]!.id;
}

describe("policy gates through the binary", () => {
  test("a violating SBOM: add warns, status shows the evaluations, push exits 4 and the attestation is stored blocked", () => {
    init();
    const added = add("sbom", "fx/sbom/banned.cdx.json");
    expect(added.stderr).toContain("policy violation: sbom: banned-licenses (gate): no-banned-license: component ghostscript");
    add("tests", "fx/junit/fail.xml");

    const table = sb.ok(["att", "status"]).stdout;
    expect(table).toContain("Policy Evaluations");
    expect(table).toMatch(/sbom\s*│?\s*banned-licenses\s*│?\s*Yes\s*│?\s*1 violation/);
    expect(table).toMatch(/tests\s*│?\s*junit-no-failures\s*│?\s*No\s*│?\s*2 violations/);
    expect(sb.ok(["att", "status", "--full"]).stdout).toContain("component ghostscript is under a banned license: AGPL-3.0-only");
    const status = sb.json<{ policyEvaluations: Evaluation[] }>(["att", "status"]);
    expect(status.policyEvaluations.map((e) => [e.material, e.policy, e.gate, e.violations.length])).toEqual([
      ["sbom", "banned-licenses", true, 1],
      ["tests", "junit-no-failures", false, 2],
    ]);

    const before = sb.counts().attestations;
    const r = push();
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("marked blocked: 1 gated policy violation");
    expect(r.stderr).toContain("sbom: banned-licenses (gate): no-banned-license: component ghostscript is under a banned license: AGPL-3.0-only");
    expect(sb.counts().attestations).toBe(before + 1);

    const d = describeRun(lastRunId());
    expect(d.run).toMatchObject({ state: "blocked", reason: "blocked: 1 gated policy violation", policyStatus: "blocked" });
    expect(d.run.attestationDigest).toMatch(/^sha256:/);
    expect(d.attestation!.statement.predicate).toMatchObject({ policyBlocked: true, policyBypassed: false, policyHasGatedViolations: true, policyViolationsCount: 3 });
    const described = sb.ok(["workflow", "run", "describe", "--id", d.run.id]).stdout;
    expect(described).toContain("blocked: 1 gated policy violation");
    expect(described).not.toContain("succeeded");
    blockedRun = d.run.id;
  });

  test("run list: STATE and POLICY blocked; --status blocked and --policy-status blocked find it; -o json carries policyStatus", () => {
    const table = sb.ok(["workflow", "run", "list"]).stdout;
    expect(table).toMatch(/STATE\s*│?\s*POLICY/);
    expect(tableRow(table, blockedRun).slice(3, 5)).toEqual(["blocked", "blocked"]);
    const byPolicy = sb.json<RunPage>(["workflow", "run", "list", "--policy-status", "blocked"]);
    expect(byPolicy.items.map((r) => [r.id, r.state, r.policyStatus])).toEqual([[blockedRun, "blocked", "blocked"]]);
    expect(sb.json<RunPage>(["workflow", "run", "list", "--status", "blocked"]).items.map((r) => r.id)).toEqual([blockedRun]);
    expect(sb.json<RunPage>(["workflow", "run", "list", "--status", "succeeded", "--policy-status", "blocked"]).items).toEqual([]);
    const bad = sb.run(["workflow", "run", "list", "--policy-status", "green"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--policy-status");
    expect(bad.stderr).toContain("passed, violations, blocked, bypassed, none");
  });

  test("discover shows the attestation's run as blocked", () => {
    const digest = describeRun(blockedRun).run.attestationDigest!;
    expect(sb.ok(["discover", digest]).stdout).toContain(`skynet/build run ${blockedRun} (blocked)`);
    expect(sb.json<{ run: { state: string; policyStatus: string } }>(["discover", digest]).run).toMatchObject({ state: "blocked", policyStatus: "blocked" });
  });

  test("--exception-bypass-policy-check: exit 0, a warning, the bypass recorded", () => {
    init();
    add("sbom", "fx/sbom/banned.cdx.json");
    const r = push("--exception-bypass-policy-check");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("policy gate bypassed (--exception-bypass-policy-check): sbom: banned-licenses");
    const d = describeRun(lastRunId());
    expect(d.attestation!.statement.predicate).toMatchObject({ policyBlocked: false, policyBypassed: true });
    expect(d.run).toMatchObject({ state: "succeeded", reason: "policy gate bypassed (1 gated violation)", policyStatus: "bypassed" });
    expect(sb.json<RunPage>(["workflow", "run", "list", "--policy-status", "bypassed"]).items.map((r) => r.id)).toEqual([d.run.id]);
  });

  test("a clean SBOM and passing tests: exit 0, nothing blocked", () => {
    init();
    add("sbom", "fx/sbom/clean.cdx.json");
    add("tests", "fx/junit/pass.xml");
    const r = push();
    expect(r.code).toBe(0);
    const d = describeRun(lastRunId());
    expect(d.attestation!.statement.predicate).toMatchObject({ policyEvaluationsCount: 2, policyViolationsCount: 0, policyBlocked: false, policyBypassed: false });
    expect(d.run).toMatchObject({ state: "succeeded", policyStatus: "passed" });
  });

  test("a broken attached policy fails init, naming the attachment, file and position", () => {
    writeFileSync(sb.path("broken.yaml"), "apiVersion: cairn.dev/v1\nkind: Policy\nmetadata: { name: broken }\nspec:\n  rules:\n    - name: r1\n      kinds: [JUNIT_XML]\n      violations: 'input.content.('\n");
    writeFileSync(sb.path("broken-contract.yaml"), CONTRACT.replace("builtin:junit-no-failures", "broken.yaml"));
    const r = sb.run(["att", "init", "--workflow", "other", "--project", "skynet", "--contract", "broken-contract.yaml", "--replace"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/contract gated policies\.materials\[1\]: broken\.yaml:8:\d+: .*rule "r1"/);
  });

  test("check: the violating SBOM exits 4 (gated) with the violation; a non-gated violation fails only with --strict; a clean one exits 0", () => {
    const bad = sb.run(["check", "--contract", "contract.yaml", "--material", "sbom=fx/sbom/banned.cdx.json"]);
    expect(bad.code).toBe(4);
    expect(bad.stdout).toContain("policy violation: sbom: banned-licenses (gate): no-banned-license: component ghostscript");
    const given = ["check", "--contract", "contract.yaml", "--material", "sbom=fx/sbom/clean.cdx.json", "--material", "tests=fx/junit/fail.xml"];
    const tests = sb.run(given);
    expect(tests.code).toBe(0); // a non-gated violation is shown, not failed on...
    expect(tests.stdout).toContain("policy violation: tests:");
    expect(sb.run([...given, "--strict"]).code).toBe(1); // ...unless the gate is strict
    expect(sb.run(["check", "--contract", "contract.yaml", "--material", "sbom=fx/sbom/clean.cdx.json"]).code).toBe(0);
  });
});

describe("policy gates against cairn serve", () => {
  test("a remote push with evaluations passes verified ingest; the gate still exits 4 with the attestation stored", async () => {
    const server = new Sandbox();
    server.ok(["keys", "generate", "--output-prefix", "cosign"]);
    server.ok(["org", "key", "add", "--name", "ci", "--key", "cosign.pub"]);
    const token = server.json<{ token: string }>(["org", "api-token", "create", "--name", "ci"]).token;
    const srv = await serve(server);
    try {
      const remote = { CAIRN_CONTROL_PLANE: srv.url, CAIRN_TOKEN: token };
      cpSync(server.path("cosign.key"), sb.path("ci.key"));
      sb.ok(["att", "init", "--workflow", "build", "--project", "skynet", "--contract", "contract.yaml", "--replace"], remote);
      sb.ok(["att", "add", "--name", "sbom", "--value", "fx/sbom/banned.cdx.json"], remote);
      const r = sb.run(["att", "push", "--key", "ci.key"], remote);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain("marked blocked");
      const runs = server.json<RunPage>(["workflow", "run", "list"]);
      expect(runs.items[0]).toMatchObject({ state: "blocked", reason: "blocked: 1 gated policy violation", policyStatus: "blocked" });
      // through --control-plane: the filter goes to the server (?policyStatus=), and the table shows the column
      const listed = sb.json<RunPage>(["workflow", "run", "list", "--policy-status", "blocked"], remote);
      expect(listed.items.map((x) => [x.id, x.state, x.policyStatus])).toEqual([[runs.items[0]!.id, "blocked", "blocked"]]);
      expect(sb.json<RunPage>(["workflow", "run", "list", "--policy-status", "passed"], remote).items).toEqual([]);
      expect(tableRow(sb.ok(["workflow", "run", "list"], remote).stdout, runs.items[0]!.id).slice(3, 5)).toEqual(["blocked", "blocked"]);
    } finally {
      expect(await srv.stop()).toBe(0);
      server.cleanup();
    }
  }, 60_000);
});
