import { describe, expect, test } from "bun:test";
import { diffContracts, renderContractChanges } from "./diff.ts";
import { parse, v2 } from "./test-support.ts";
import { EMPTY_CONTRACT, type Contract, type ContractMaterial, type PolicyAttachment } from "./types.ts";

const material = (name: string, type = "ARTIFACT", more: Partial<ContractMaterial> = {}): ContractMaterial => ({
  name, type, optional: false, output: false, skipUpload: false, annotations: [], ...more,
});
const policy = (ref: string, more: Partial<PolicyAttachment> = {}): PolicyAttachment => ({ ref, with: {}, requirements: [], disabled: false, ...more });
const contract = (more: Partial<Contract> = {}): Contract => ({ ...EMPTY_CONTRACT, ...more });
const lines = (from: Contract, to: Contract) => renderContractChanges(diffContracts(from, to), "h").slice(1);

describe("diffContracts", () => {
  test("no changes: equal content, reordered lists and another description", () => {
    const a = contract({ materials: [material("a"), material("b")], envAllowList: ["X", "Y"], description: "one" });
    const b = contract({ materials: [material("b"), material("a")], envAllowList: ["Y", "X"], description: "two" });
    expect(diffContracts(a, b)).toEqual([]);
    expect(renderContractChanges([], "contract build: revision 1 -> 2")).toEqual(["contract build: revision 1 -> 2", "  no changes"]);
  });

  test("materials added and removed", () => {
    const a = contract({ materials: [material("old", "STRING")] });
    const b = contract({ materials: [material("sbom", "SBOM_CYCLONEDX_JSON"), material("img", "CONTAINER_IMAGE", { optional: true, output: true })] });
    expect(diffContracts(a, b)).toEqual([
      { change: "material-added", material: "sbom", kind: "SBOM_CYCLONEDX_JSON", required: true, output: false },
      { change: "material-added", material: "img", kind: "CONTAINER_IMAGE", required: false, output: true },
      { change: "material-removed", material: "old", kind: "STRING" },
    ]);
    expect(lines(a, b)).toEqual([
      "  + material sbom (SBOM_CYCLONEDX_JSON), required",
      "  + material img (CONTAINER_IMAGE), optional, output",
      "  - material old (STRING)",
    ]);
  });

  test("made required / optional, output flag and kind changes", () => {
    const a = contract({ materials: [material("a", "ARTIFACT", { optional: true }), material("b"), material("c")] });
    const b = contract({ materials: [material("a"), material("b", "ARTIFACT", { optional: true, output: true }), material("c", "SARIF")] });
    expect(diffContracts(a, b)).toEqual([
      { change: "material-required", material: "a", required: true },
      { change: "material-required", material: "b", required: false },
      { change: "material-output", material: "b", output: true },
      { change: "material-kind", material: "c", from: "ARTIFACT", to: "SARIF" },
    ]);
    expect(lines(a, b)).toEqual([
      "  ~ material a is now required",
      "  ~ material b is now optional",
      "  ~ material b is now an output",
      "  ~ material c kind ARTIFACT -> SARIF",
    ]);
    expect(lines(b, a)[2]).toBe("  ~ material b is no longer an output");
  });

  test("policies attached and detached at both levels, with their selector and gate", () => {
    const a = contract({ policies: { materials: [policy("licenses", { selector: { name: "sbom", matchMode: "EXACT" } })], attestation: [policy("old")] } });
    const b = contract({
      policies: {
        materials: [policy("licenses", { selector: { name: "img", matchMode: "EXACT" } })],
        attestation: [policy("signed", { gate: true }), { embedded: { metadata: { name: "inline" } }, with: {}, requirements: [], disabled: false }],
      },
    });
    expect(diffContracts(a, b)).toEqual([
      { change: "policy-attached", policy: "licenses", level: "material", material: "img" },
      { change: "policy-detached", policy: "licenses", level: "material", material: "sbom" },
      { change: "policy-attached", policy: "signed", level: "attestation", gate: true },
      { change: "policy-attached", policy: "embedded inline", level: "attestation" },
      { change: "policy-detached", policy: "old", level: "attestation" },
    ]);
    expect(lines(a, b)).toEqual([
      "  + material policy licenses on img",
      "  - material policy licenses on sbom",
      "  + attestation policy signed, gated",
      "  + attestation policy embedded inline",
      "  - attestation policy old",
    ]);
  });

  test("gate on/off per attachment, and disabled", () => {
    const a = contract({ policies: { materials: [policy("p")], attestation: [policy("q", { gate: true }), policy("r")] } });
    const b = contract({ policies: { materials: [policy("p", { gate: true })], attestation: [policy("q", { gate: false }), policy("r", { disabled: true })] } });
    expect(diffContracts(a, b)).toEqual([
      { change: "policy-gate", policy: "p", level: "material", to: true },
      { change: "policy-gate", policy: "q", level: "attestation", from: true, to: false },
      { change: "policy-disabled", policy: "r", level: "attestation", disabled: true },
    ]);
    expect(lines(a, b)).toEqual([
      "  ~ material policy p: gate default -> on",
      "  ~ attestation policy q: gate on -> off",
      "  ~ attestation policy r is now disabled",
    ]);
  });

  test("policy groups attached, detached and gated", () => {
    const g = (ref: string, gate?: boolean) => ({ ref, with: {}, skip: [], ...(gate !== undefined && { gate }) });
    const a = contract({ policyGroups: [g("old"), g("kept")] });
    const b = contract({ policyGroups: [g("kept", true), g("new", false)] });
    expect(diffContracts(a, b)).toEqual([
      { change: "policy-group-attached", group: "new", gate: false },
      { change: "policy-group-gate", group: "kept", to: true },
      { change: "policy-group-detached", group: "old" },
    ]);
    expect(lines(a, b)).toEqual(["  + policy group new, not gated", "  ~ policy group kept: gate default -> on", "  - policy group old"]);
  });

  test("env allow-list, runner, annotations and provenance.required", () => {
    const a = contract({ envAllowList: ["A"], runner: "GITHUB_ACTION", annotations: [{ name: "team", value: "x" }, { name: "gone", value: "" }, { name: "v", value: "1" }] });
    const b = contract({ envAllowList: ["B"], annotations: [{ name: "team", value: "x" }, { name: "ticket", value: "" }, { name: "v", value: "2" }], provenance: { required: true } });
    expect(diffContracts(a, b)).toEqual([
      { change: "env-added", name: "B" },
      { change: "env-removed", name: "A" },
      { change: "runner", from: "GITHUB_ACTION" },
      { change: "annotation-added", name: "ticket", value: "" },
      { change: "annotation-value", name: "v", from: "1", to: "2" },
      { change: "annotation-removed", name: "gone" },
      { change: "provenance-required", required: true },
    ]);
    expect(lines(a, b)).toEqual([
      "  + env B (allow-listed)",
      "  - env A (allow-listed)",
      "  ~ runner GITHUB_ACTION -> any",
      "  + annotation ticket, required at push",
      "  ~ annotation v: 1 -> 2",
      "  - annotation gone",
      "  ~ SLSA provenance is now required",
    ]);
    expect(diffContracts(contract({ runner: "RUNNER_TYPE_UNSPECIFIED" }), contract())).toEqual([]);
    expect(diffContracts(contract(), contract({ runner: "GITLAB_PIPELINE" }))).toEqual([{ change: "runner", to: "GITLAB_PIPELINE" }]);
    expect(lines(b, a).at(-1)).toBe("  ~ SLSA provenance is no longer required");
  });

  test("parsed documents: v1 and v2 of the same content do not differ; an added required material does", () => {
    const before = parse(v2("materials:\n  - { name: bin, type: ARTIFACT }\n"));
    const after = parse("schemaVersion: v1\nmaterials:\n  - { name: bin, type: ARTIFACT }\n  - { name: sbom, type: SBOM_CYCLONEDX_JSON }\n");
    expect(diffContracts(before, { ...before, format: "v1", name: undefined })).toEqual([]);
    expect(renderContractChanges(diffContracts(before, after), "contract test revised")).toEqual([
      "contract test revised",
      "  + material sbom (SBOM_CYCLONEDX_JSON), required",
    ]);
  });
});
