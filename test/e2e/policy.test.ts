// `cairn policy eval|lint|builtin` through the compiled binary: the built-in library is embedded (it works
// from a directory without the source tree), violations exit 0, broken policies exit 1 with a position.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, Sandbox } from "./harness.ts";

interface EvalOut {
  policy: { name: string; source: string; digest: string };
  material: { name: string; kind: string };
  result: { violations: { rule: string; message: string }[]; inputs: Record<string, string>; skipped?: string };
}

describe("cairn policy", () => {
  const sb = new Sandbox();
  beforeAll(() => {
    cpSync(join(FIXTURES, "policies"), sb.path("fx"), { recursive: true });
    writeFileSync(sb.path("mine.yaml"), "apiVersion: cairn.dev/v1\nkind: Policy\nmetadata: {name: mine}\nspec:\n  rules:\n    - name: r\n      kinds: [JUNIT_XML]\n      violations: |\n        input.content.suites.map(s, s.name +)\n");
    writeFileSync(sb.path("ok.json"), JSON.stringify({ apiVersion: "cairn.dev/v1", kind: "Policy", metadata: { name: "ok" }, spec: { rules: [{ name: "r", kinds: ["JUNIT_XML"], violations: "[]" }] } }));
  });
  afterAll(() => sb.cleanup());

  test("builtin lists the embedded library with inputs (-o json)", () => {
    const rows = sb.json<{ name: string; inputs: { name: string }[] }[]>(["policy", "builtin"]);
    expect(rows.map((r) => r.name)).toEqual([
      "builtin:banned-licenses", "builtin:banned-components", "builtin:sbom-freshness", "builtin:junit-no-failures",
      "builtin:sarif-max-level", "builtin:no-critical-vulnerabilities", "builtin:image-not-mutable-tag", "builtin:required-annotations",
    ]);
    expect(rows[0]!.inputs.map((i) => i.name)).toEqual(["licenses"]);
    expect(sb.ok(["policy", "list-builtin"]).stdout).toContain("builtin:sbom-freshness");
  });

  test("eval with violations exits 0 and lists them", () => {
    const out = sb.json<EvalOut>(["policy", "eval", "--policy", "builtin:banned-licenses", "--material", "fx/sbom/banned.cdx.json", "--input", "licenses=AGPL-3.0-only,GPL-3.0-only"]);
    expect(out.material).toMatchObject({ name: "banned.cdx.json", kind: "SBOM_CYCLONEDX_JSON" });
    expect(out.result.inputs).toEqual({ licenses: "AGPL-3.0-only,GPL-3.0-only" });
    expect(out.result.violations.map((v) => v.message)).toEqual([
      "component ghostscript is under a banned license: AGPL-3.0-only",
      "component left-pad is under a banned license: GPL-3.0-only",
      "component readline is under a banned license: GPL-3.0-only",
    ]);
    const table = sb.ok(["policy", "eval", "--policy", "builtin:junit-no-failures", "--material", "fx/junit/fail.xml"]).stdout;
    expect(table).toContain("2 violation(s)");
    expect(table).toContain("suite store.blobs: 1 failed, 0 errors (of 3 tests)");
  });

  test("eval with --kind, --annotation and a passing result", () => {
    const out = sb.json<EvalOut>(["policy", "eval", "--policy", "builtin:required-annotations", "--material", "fx/annotations/build.txt", "--kind", "artifact", "--input", "names=owner", "--annotation", "owner=team-a"]);
    expect(out.result.violations).toEqual([]);
    expect(out.material.kind).toBe("ARTIFACT");
  });

  test("a broken policy exits 1 with file:line:col and the rule; an unknown input exits 1 naming it", () => {
    const r = sb.run(["policy", "eval", "--policy", "mine.yaml", "--material", "fx/junit/pass.xml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ERR mine.yaml:9:45: spec.rules[0].violations: rule "r": violations: CEL syntax error');
    const u = sb.run(["policy", "eval", "--policy", "builtin:junit-no-failures", "--material", "fx/junit/pass.xml", "--input", "level=x"]);
    expect(u.code).toBe(1);
    expect(u.stderr).toContain('ERR policy junit-no-failures: unknown input "level"');
  });

  test("lint: ok policies exit 0, any problem exits 1 and lists its position", () => {
    expect(sb.ok(["policy", "lint", "ok.json", "builtin:sbom-freshness"]).stdout).toContain("ok    ok.json: ok (1 rule)");
    const r = sb.run(["policy", "lint", "ok.json", "mine.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FAIL  mine.yaml\n      mine.yaml:9:45: spec.rules[0].violations:");
    expect(r.stderr).toContain("ERR 1 of 2 policies have problems");
  });
});
