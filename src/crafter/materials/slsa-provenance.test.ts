import { expect, test } from "bun:test";
import { slsaProvenanceKind } from "./slsa-provenance.ts";
import { fixtureBytes, kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-v0.2-dsse.json",
    digest: "sha256:8f5a88545d253f9cdd48b75cd2a85ac907f4b60edb94dbf0b46430d1c4574751",
    annotations: {
      "cairn.material.slsa.builder_id": "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.0.0",
      "cairn.material.slsa.build_type": "https://github.com/slsa-framework/slsa-github-generator/container@v1",
      "cairn.material.slsa.predicate_type": "https://slsa.dev/provenance/v0.2",
      "cairn.material.slsa.subject_count": "1",
    },
  },
  {
    file: "valid-v1-bundle.json",
    digest: "sha256:52075315ae336bbaafbe64b437ac525c8ef049cacd17aa8de3eefad5ed1c6e93",
    annotations: {
      "cairn.material.slsa.builder_id": "https://github.com/acme/payments-api/.github/workflows/release.yml@refs/heads/main",
      "cairn.material.slsa.build_type": "https://actions.github.io/buildtypes/workflow/v1",
      "cairn.material.slsa.predicate_type": "https://slsa.dev/provenance/v1",
      "cairn.material.slsa.subject_count": "1",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-cairn-predicate.json", code: "MATERIAL_INVALID" },
  { file: "invalid-no-builder.json", code: "MATERIAL_INVALID" },
];

kindTable(slsaProvenanceKind, positives, negatives);

test("the policy input is the decoded statement", () => {
  const st = slsaProvenanceKind.project(fixtureBytes("SLSA_PROVENANCE", "valid-v0.2-dsse.json")) as Record<string, unknown>;
  expect(st["predicateType"]).toBe("https://slsa.dev/provenance/v0.2");
});
