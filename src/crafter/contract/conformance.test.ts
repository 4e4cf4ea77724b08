// Chainloop's own contract test data (read-only, outside the repo): must parse, or be rejected for a stated reason.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expectCode } from "../../test-helpers.ts";
import { parse } from "./test-support.ts";

const ROOT = "/work/shared/conformance/chainloop";
const DIRS = ["pkg_attestation_crafter_testdata_contracts", "app_cli_pkg_action_testdata"];
/** Samples that must be rejected → the path of the (first) problem. */
const REJECTED: Record<string, string> = {
  "invalid.xml": "", // not a YAML/JSON file name (Chainloop's LoadSchema rejects the extension too)
  "invalid_contract.yaml": "", // neither a v1 nor a v2 header
  "policy_group.yaml": "kind", // PolicyGroup documents, not contracts
  "policy_group_no_name.yaml": "kind",
  "policy_group_with_arguments.yaml": "kind",
};

function samples(dir: string): string[] {
  const path = join(ROOT, dir);
  if (!existsSync(path)) return [];
  // Only contract-like files: that folder also holds keys, certificates and signed attestations.
  return readdirSync(path).filter((f) => /\.(ya?ml|json|xml)$/.test(f) && !/attestation\.json$/.test(f)).sort();
}

const ALL = DIRS.flatMap((d) => samples(d).map((f) => [d, f] as const));

describe.skipIf(ALL.length === 0)("Chainloop contract samples", () => {
  test("the expected samples are present", () => {
    expect(ALL.length).toBeGreaterThanOrEqual(19);
  });

  test.each(ALL.filter(([, f]) => !(f in REJECTED)))("%s/%s parses", (dir, file) => {
    const c = parse(readFileSync(join(ROOT, dir, file), "utf8"), file);
    expect(["v1", "v2"]).toContain(c.format);
  });

  test.each(ALL.filter(([, f]) => f in REJECTED))("%s/%s is rejected", async (dir, file) => {
    const e = await expectCode(() => parse(readFileSync(join(ROOT, dir, file), "utf8"), file), "CONTRACT_INVALID");
    expect((e.details as { path: string }[]).map((p) => p.path)).toEqual([REJECTED[file]!]);
  });

  test("contract_v1.yaml and contract_v2.yaml normalize as expected", () => {
    const read = (f: string) => parse(readFileSync(join(ROOT, DIRS[1]!, f), "utf8"), f);
    const a = read("contract_v1.yaml");
    expect(a.format).toBe("v1");
    expect(a.runner).toBe("GITHUB_ACTION");
    expect(a.materials.map((m) => m.name)).toEqual([
      "skynet-control-plane", "rootfs", "dockerfile", "skynet-sbom", "disclosure", "static-out", "build-ref",
    ]);
    expect(a.materials[0]!.annotations).toEqual([{ name: "component", value: "control-plane" }, { name: "asset", value: "" }]);
    expect(a.materials[2]!.optional).toBe(true);
    const b = read("contract_v2.yaml");
    expect(b.name).toBe("test-contract-v2");
    expect(b.envAllowList).toEqual(["CUSTOM_VAR", "BUILD_NUMBER"]);
    expect(b.policies.materials.map((p) => p.ref)).toEqual(["file://policy1.yaml", "file://policy2.yaml"]);
    expect(b.policyGroups).toEqual([{ ref: "sbom-quality", with: { user_name: "test-user" }, skip: ["policy-to-skip"] }]);
  });

  test("the crafter samples keep their runner and env allow-list", () => {
    const read = (f: string) => parse(readFileSync(join(ROOT, DIRS[0]!, f), "utf8"), f);
    expect(read("empty_github.json")).toEqual(read("empty_github.yaml"));
    expect(read("jenkins_with_env_vars.yaml").runner).toBe("JENKINS_JOB");
    expect(read("with_env_vars.yaml").envAllowList).toEqual(["CUSTOM_VAR_1", "CUSTOM_VAR_2"]);
    expect(read("with_material_annotations_v2.json").metadataAnnotations).toEqual({ withDefaultVal: "val1" });
  });
});
