// The contract fixtures under fixtures/contracts/ (written for cairn; other tests and the demo use them).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { parse } from "./test-support.ts";

const DIR = join(import.meta.dir, "../../../fixtures/contracts");
const read = (f: string) => parse(readFileSync(join(DIR, f), "utf8"), f);

describe("contract fixtures", () => {
  test("valid-v1.yaml, valid-v2.yaml and valid-v2.json are the same contract", () => {
    const a = read("valid-v1.yaml");
    const b = read("valid-v2.yaml");
    const c = read("valid-v2.json");
    expect(c).toEqual(b);
    expect(b.name).toBe("orbit-release");
    const { format: _f, ...restA } = a;
    const { format: _g, name: _n, description: _d, ...restB } = b;
    expect(restB).toEqual(restA);
    expect(a.materials.length).toBe(5);
    expect(a.runner).toBe("GITLAB_PIPELINE");
    expect(a.policies.materials[0]!.with).toEqual({ banned: "GPL-3.0-only, AGPL-3.0-only", max_age_days: "30" });
    expect(a.policyGroups[0]!.gate).toBe(false);
  });

  test("demo.yaml", () => {
    const c = read("demo.yaml");
    expect(c.name).toBe("demo");
    expect(c.runner).toBeUndefined();
    expect(c.envAllowList).toEqual([]);
    expect(c.materials.map((m) => [m.name, m.type, m.optional, m.output])).toEqual([
      ["build-ref", "STRING", false, false],
      ["binary", "ARTIFACT", false, true],
      ["sbom", "SBOM_CYCLONEDX_JSON", false, false],
      ["dockerfile", "ARTIFACT", true, false],
    ]);
  });

  test.each([
    ["invalid-yaml.yaml", ""],
    ["invalid-unknown-kind.yaml", "spec.materials[1].type"],
    ["invalid-duplicate-name.yaml", "materials[2].name"],
    ["invalid-unknown-field.yaml", "spec.materials[0].optinal"],
    ["invalid-runner.yaml", "runner.type"],
    ["invalid-not-a-map.yaml", ""],
  ])("%s is rejected at %p", async (file, path) => {
    const e = await expectCode(() => read(file), "CONTRACT_INVALID");
    expect((e.details as { path: string }[])[0]!.path).toBe(path);
  });
});
