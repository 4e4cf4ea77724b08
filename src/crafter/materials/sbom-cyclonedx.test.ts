import { describe, expect, test } from "bun:test";
import { expectCode } from "../../test-helpers.ts";
import { imageRepository, sbomCyclonedxKind } from "./sbom-cyclonedx.ts";
import { fixtureBytes, kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-1.2-minimal.json",
    digest: "sha256:48f8c286da963a44e802d7a2d29fcde2d4267c4a24985c8d08730fc0c9f0add3",
    annotations: {
      "cairn.material.sbom.spec_version": "1.2",
      "cairn.material.sbom.component_count": "1",
      "cairn.material.sbom.has_vulnerabilities": "false",
      "cairn.material.sbom.vulnerability_count": "0",
    },
  },
  {
    file: "valid-1.4-legacy-tools.json",
    digest: "sha256:08871b3d7c3abcc2bfce14e5dcbe77f0674d350e47b4b3abfa636e161522a1ef",
    annotations: {
      "cairn.material.sbom.spec_version": "1.4",
      "cairn.material.sbom.main_component.name": "acme-web",
      "cairn.material.sbom.main_component.type": "application",
      "cairn.material.sbom.main_component.version": "4.1.0",
      "cairn.material.tool.name": "cyclonedx-npm",
      "cairn.material.tool.version": "1.19.3",
      "cairn.material.tools": "[\"cyclonedx-npm@1.19.3\",\"cyclonedx-library@6.11.0\"]",
      "cairn.material.sbom.component_count": "3",
      "cairn.material.sbom.has_vulnerabilities": "false",
      "cairn.material.sbom.vulnerability_count": "0",
    },
  },
  {
    file: "valid-1.5-null-cwes.json",
    digest: "sha256:dc5aff0cb7c24a3ea7ec90d4fce312be10816181d92c5c247129a591f2378126",
    annotations: {
      "cairn.material.sbom.spec_version": "1.5",
      "cairn.material.sbom.main_component.name": "billing",
      "cairn.material.sbom.main_component.type": "application",
      "cairn.material.sbom.main_component.version": "0.9.2",
      "cairn.material.tool.name": "xray",
      "cairn.material.tool.version": "3.104.8",
      "cairn.material.tools": "[\"xray@3.104.8\"]",
      "cairn.material.sbom.component_count": "1",
      "cairn.material.sbom.has_vulnerabilities": "true",
      "cairn.material.sbom.vulnerability_count": "2",
    },
    warnings: 1,
  },
  {
    file: "valid-1.6-container.json",
    digest: "sha256:8d910039620d327d912ba4810439f9cc59b803759cbdfbebc433136abad2973f",
    annotations: {
      "cairn.material.sbom.spec_version": "1.6",
      "cairn.material.sbom.main_component.name": "registry.example.com/acme/payments-api",
      "cairn.material.sbom.main_component.type": "container",
      "cairn.material.sbom.main_component.version": "sha256:3b1c2f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c",
      "cairn.material.tool.name": "syft",
      "cairn.material.tool.version": "1.4.1",
      "cairn.material.tools": "[\"syft@1.4.1\"]",
      "cairn.material.sbom.component_count": "3",
      "cairn.material.sbom.has_vulnerabilities": "false",
      "cairn.material.sbom.vulnerability_count": "0",
    },
  },
  {
    file: "valid-1.6-duplicate-components.json",
    digest: "sha256:761de249092cdb42c7a7d47e2b243c7be08e298e7b79c671c479366235c59f31",
    annotations: {
      "cairn.material.sbom.spec_version": "1.6",
      "cairn.material.sbom.main_component.name": "dup-demo",
      "cairn.material.sbom.main_component.type": "application",
      "cairn.material.sbom.main_component.version": "1.0.0",
      "cairn.material.sbom.component_count": "2",
      "cairn.material.sbom.has_vulnerabilities": "false",
      "cairn.material.sbom.vulnerability_count": "0",
    },
  },
  {
    file: "valid-1.7-trivy-digest.json",
    digest: "sha256:f8642617a0fcd79eaa1d884eb9b461f664bdd27468a29b18e50a2ce5448fdfd7",
    annotations: {
      "cairn.material.sbom.spec_version": "1.7",
      "cairn.material.sbom.main_component.name": "nginx",
      "cairn.material.sbom.main_component.type": "container",
      "cairn.material.sbom.main_component.version": "sha256:0f04e4f646a3f14bf31d8bc8d885b6c951fdcf42589d06845f64d18aec6a3c4d",
      "cairn.material.tool.name": "trivy",
      "cairn.material.tool.version": "0.58.1",
      "cairn.material.tools": "[\"trivy@0.58.1\"]",
      "cairn.material.sbom.component_count": "0",
      "cairn.material.sbom.has_vulnerabilities": "false",
      "cairn.material.sbom.vulnerability_count": "0",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-bomformat.json", code: "MATERIAL_INVALID" },
  { file: "invalid-duplicate-dependencies.json", code: "MATERIAL_INVALID", laxWarnings: 1 },
  { file: "invalid-schema-component-type.json", code: "MATERIAL_INVALID", laxWarnings: 2 },
  { file: "invalid-spec-version-1.1.json", code: "MATERIAL_INVALID", laxWarnings: 1 },
  { file: "invalid-syntax-truncated.json", code: "MATERIAL_INVALID" },
];

kindTable(sbomCyclonedxKind, positives, negatives);

describe("SBOM_CYCLONEDX_JSON details", () => {
  const enc = new TextEncoder();
  const lax = { fileName: "sbom.json", strict: false };

  test("JSON syntax and bomFormat errors throw even without strict validation", async () => {
    const err = await expectCode(() => sbomCyclonedxKind.validate(fixtureBytes("SBOM_CYCLONEDX_JSON", "invalid-syntax-truncated.json"), lax), "MATERIAL_INVALID");
    expect(err.details).toMatchObject({ line: 29, column: 19 });
    await expectCode(() => sbomCyclonedxKind.validate(fixtureBytes("SBOM_CYCLONEDX_JSON", "invalid-bomformat.json"), lax), "MATERIAL_INVALID");
  });

  test("uniqueness checks are linear: 20,000 dependencies validate in well under a second", async () => {
    const n = 20000;
    const components = Array.from({ length: n }, (_, i) => ({ "bom-ref": `c${i}`, type: "library", name: `p${i}`, version: "1.0.0" }));
    const dependencies = components.map((c, i) => ({ ref: c["bom-ref"], dependsOn: i > 0 ? [`c${i - 1}`] : [] }));
    const bytes = enc.encode(JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", version: 1, components, dependencies }));
    await sbomCyclonedxKind.validate(enc.encode('{"bomFormat":"CycloneDX","specVersion":"1.6"}'), lax); // compile outside the timing
    const t0 = performance.now();
    const v = await sbomCyclonedxKind.validate(bytes, { fileName: "big.json", strict: true });
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(v.annotations["cairn.material.sbom.component_count"]).toBe(String(n));
  });

  test("imageRepository drops tag and digest but keeps a registry port", () => {
    expect(imageRepository("ghcr.io/acme/api:1.2")).toBe("ghcr.io/acme/api");
    expect(imageRepository("nginx@sha256:0f04e4f646a3f14bf31d8bc8d885b6c951fdcf42589d06845f64d18aec6a3c4d")).toBe("nginx");
    expect(imageRepository("localhost:5000/app")).toBe("localhost:5000/app");
    expect(imageRepository("localhost:5000/app:dev")).toBe("localhost:5000/app");
  });
});
