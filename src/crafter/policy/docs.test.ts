import { describe, expect, test } from "bun:test";
import { compilePolicy } from "./parse.ts";
import { evaluateMaterialPolicy } from "./evaluate.ts";
import { renderPoliciesDoc } from "./docs.ts";
import { builtinNames } from "./library.ts";

describe("docs/policies.md", () => {
  test("the format example compiles and does what the page says", () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(renderPoliciesDoc())?.[1] ?? "";
    const p = compilePolicy(example, "example.yaml");
    const content = { components: [{ name: "x", licenses: [{ license: { id: "AGPL-3.0-only" } }] }, { name: "y", licenses: [{ expression: "MIT" }] }] };
    const r = evaluateMaterialPolicy(p, { name: "s", kind: "SBOM_CYCLONEDX_JSON", digest: "", value: "s", annotations: {}, content }, { with: { licenses: "AGPL-3.0-only" }, now: new Date(0), clock: () => 0 });
    expect(r.violations).toEqual([{ rule: "cyclonedx", message: "component x is under a banned license" }]);
  });

  test("every built-in policy has a table row and a section with its source", () => {
    const doc = renderPoliciesDoc();
    for (const n of builtinNames()) {
      expect(doc).toContain(`| [builtin:${n}](#builtin${n}) |`);
      expect(doc).toContain(`### builtin:${n}\n`);
      expect(doc).toContain(`  name: ${n}\n`);
    }
  });
});
