// `cairn policy add|list|describe` through the compiled binary, and contracts referencing stored policies by bare
// name, optionally pinned with @sha256: (resolved when `attestation init` compiles the contract's policies).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { Sandbox } from "./harness.ts";

const policy = (name: string, expr = "[]") =>
  `apiVersion: cairn.dev/v1\nkind: Policy\nmetadata: {name: ${name}, description: no failed suites}\nspec:\n  rules:\n    - name: r\n      kinds: [JUNIT_XML]\n      violations: "${expr}"\n`;
const contract = (ref: string) =>
  `apiVersion: cairn.dev/v1\nkind: Contract\nmetadata: {name: stored-ref}\nspec:\n  materials:\n    - {type: JUNIT_XML, name: tests}\n  policies:\n    materials:\n      - ref: ${ref}\n`;

interface Added {
  name: string;
  revision: number;
  digest: string;
  created: boolean;
}

describe("cairn policy add|list|describe", () => {
  const sb = new Sandbox();
  beforeAll(() => {
    writeFileSync(sb.path("tests-pass.yaml"), policy("tests-pass"));
    writeFileSync(sb.path("tests-pass-reformatted.yaml"), `# same policy\n${policy("tests-pass")}`);
    writeFileSync(sb.path("tests-pass-v2.yaml"), policy("tests-pass", "['always']"));
    writeFileSync(sb.path("broken.yaml"), policy("broken", "[1 +"));
  });
  afterAll(() => sb.cleanup());

  let r1: Added;
  let r2: Added;
  test("add stores revision 1; the same content reformatted makes no new revision; a change makes revision 2", () => {
    r1 = sb.json<Added>(["policy", "add", "--name", "tests-pass", "-f", "tests-pass.yaml"]);
    expect(r1).toMatchObject({ name: "tests-pass", revision: 1, created: true });
    expect(sb.ok(["policy", "add", "-f", "tests-pass-reformatted.yaml"]).stderr).toContain("policy tests-pass unchanged (revision 1)");
    r2 = sb.json<Added>(["policy", "add", "-f", "tests-pass-v2.yaml"]);
    expect(r2).toMatchObject({ revision: 2, created: true });
    expect(r2.digest).not.toBe(r1.digest);
  });

  test("a broken policy exits 1 with its position; a --name mismatch exits 2; nothing is stored", () => {
    const broken = sb.run(["policy", "add", "-f", "broken.yaml"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("broken.yaml:8:24: spec.rules[0].violations");
    const mismatch = sb.run(["policy", "add", "--name", "other", "-f", "tests-pass.yaml"]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain("--name other does not match metadata.name tests-pass in tests-pass.yaml");
    expect(sb.json<{ items: { name: string }[] }>(["policy", "list"]).items.map((p) => p.name)).toEqual(["tests-pass"]);
  });

  test("list and describe show revisions, digests and the source", () => {
    const page = sb.json<{ items: { name: string; latestRevision: number; digest: string }[] }>(["policy", "list"]);
    expect(page.items).toMatchObject([{ name: "tests-pass", latestRevision: 2, digest: r2.digest }]);
    expect(sb.ok(["policy", "list"]).stdout).toContain("no failed suites");
    const d = sb.json<{ revision: number; source: string; revisions: { revision: number; digest: string }[] }>(["policy", "describe", "--name", "tests-pass", "--revision", "1"]);
    expect(d.revision).toBe(1);
    expect(d.source).toBe(policy("tests-pass"));
    expect(d.revisions.map((r) => [r.revision, r.digest])).toEqual([[1, r1.digest], [2, r2.digest]]);
    const table = sb.ok(["policy", "describe", "--name", "tests-pass"]).stdout;
    expect(table).toContain("2 of 2");
    expect(table).toContain("['always']");
    const missing = sb.run(["policy", "describe", "--name", "nope"]);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining("policy nope does not exist in organization default")]);
  });

  test("a contract references the stored policy by name; a @sha256 pin must match the latest revision", () => {
    writeFileSync(sb.path("c-name.yaml"), contract("tests-pass"));
    writeFileSync(sb.path("c-pinned.yaml"), contract(`tests-pass@${r2.digest}`));
    writeFileSync(sb.path("c-stale.yaml"), contract(`tests-pass@${r1.digest}`));
    writeFileSync(sb.path("c-missing.yaml"), contract("not-stored"));
    const init = (file: string, wf: string) => sb.run(["att", "init", "--workflow", wf, "--project", "p", "--contract", file, "--dry-run", "--replace"]);
    expect(init("c-name.yaml", "a").code).toBe(0);
    expect(init("c-pinned.yaml", "b").code).toBe(0);
    const stale = init("c-stale.yaml", "c");
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`policy tests-pass is pinned to ${r1.digest} but resolves to ${r2.digest}`);
    const missing = init("c-missing.yaml", "d");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("policy not-stored does not exist in organization default");
  });

  test("policy eval takes a stored policy's name (and pin) too", () => {
    writeFileSync(sb.path("report.xml"), '<testsuite name="s" tests="1" failures="0" errors="0"><testcase name="t" classname="c"/></testsuite>\n');
    const out = sb.json<{ policy: { name: string; digest: string }; result: { violations: { message: string }[] } }>(["policy", "eval", "--policy", "tests-pass", "--material", "report.xml", "--kind", "JUNIT_XML"]);
    expect([out.policy.name, out.policy.digest, out.result.violations.map((v) => v.message)]).toEqual(["tests-pass", r2.digest, ["always"]]);
    expect(sb.run(["policy", "eval", "--policy", `tests-pass@${r1.digest}`, "--material", "report.xml", "--kind", "JUNIT_XML"]).code).toBe(1);
  });
});
