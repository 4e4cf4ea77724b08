import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCairnError } from "../../errors.ts";
import { builtinNames } from "../../crafter/policy/library.ts";
import { loadEmbeddedPolicy, loadPolicy } from "./load.ts";
import { lintPolicies } from "./lint.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-policy-load-"));
const POLICY = "apiVersion: cairn.dev/v1\nkind: Policy\nmetadata: {name: local}\nspec:\n  rules:\n    - {name: r, kinds: [ARTIFACT], violations: \"[]\"}\n";
writeFileSync(join(dir, "local.yaml"), POLICY);
writeFileSync(join(dir, "broken.yaml"), POLICY.replace('"[]"', '"[1 +"'));

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isCairnError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return "no error";
}

describe("loadPolicy", () => {
  test("files by path or file://, built-ins by builtin:NAME", () => {
    expect(loadPolicy("local.yaml", dir).name).toBe("local");
    expect(loadPolicy("file://local.yaml", dir).source).toBe("local.yaml");
    expect(loadPolicy("builtin:junit-no-failures", dir).source).toBe("builtin:junit-no-failures");
  });

  test("unknown built-ins, missing files, remote refs and non-policy files are refused, saying why", () => {
    expect(codeOf(() => loadPolicy("builtin:junit-no-failure", dir))).toBe('NOT_FOUND: no built-in policy junit-no-failure (did you mean "junit-no-failures"?)');
    expect(codeOf(() => loadPolicy("nope.yaml", dir))).toBe("NOT_FOUND: policy file nope.yaml does not exist");
    expect(codeOf(() => loadPolicy("https://example.com/p.yaml", dir))).toBe("USAGE: policy https://example.com/p.yaml: remote policy references are not supported");
    expect(codeOf(() => loadPolicy("policy.rego", dir))).toBe("USAGE: policy policy.rego is neither a policy file nor builtin:NAME");
  });

  test("an embedded contract policy compiles like a file", () => {
    const doc = { apiVersion: "cairn.dev/v1", kind: "Policy", metadata: { name: "inline" }, spec: { rules: [{ name: "r", attestation: true, violations: "[]" }] } };
    expect(loadEmbeddedPolicy(doc, "contract.yaml").name).toBe("inline");
  });
});

describe("lintPolicies", () => {
  test("reports each policy, with positioned problems for the broken ones", () => {
    const [ok, bad] = lintPolicies(["local.yaml", "broken.yaml"], dir);
    expect(ok).toMatchObject({ policy: "local.yaml", ok: true, name: "local", rules: 1 });
    expect(bad).toMatchObject({ policy: "broken.yaml", ok: false });
    expect(bad!.problems[0]).toMatchObject({ path: "spec.rules[0].violations", line: 6, column: 53 });
  });

  test("every built-in policy lints clean", () => {
    expect(lintPolicies(builtinNames().map((n) => `builtin:${n}`), dir).every((r) => r.ok)).toBe(true);
  });
});
