import { sbomSpdxKind } from "./sbom-spdx.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-2.2-document-describes.json",
    digest: "sha256:6d1bd2c9732ef5d5867c27d6b2ec8f9627d0b9dd7484a87ba45a8bff9235906b",
    annotations: {
      "cairn.material.sbom.spec_version": "SPDX-2.2",
      "cairn.material.sbom.component_count": "2",
      "cairn.material.sbom.main_component.name": "acme-cli",
      "cairn.material.sbom.main_component.version": "1.8.0",
      "cairn.material.tool.name": "cyclonedx-gomod",
      "cairn.material.tool.version": "v1.7.0",
      "cairn.material.tools": "[\"cyclonedx-gomod@v1.7.0\",\"spdx-sbom-generator\"]",
    },
  },
  {
    file: "valid-2.3-container.json",
    digest: "sha256:dd4ffb5f4763df2457e44190271ddcad5bf06442ebc7540ca1b66357fc316df9",
    annotations: {
      "cairn.material.sbom.spec_version": "SPDX-2.3",
      "cairn.material.sbom.component_count": "3",
      "cairn.material.sbom.main_component.name": "registry.example.com/acme/payments-api",
      "cairn.material.sbom.main_component.type": "container",
      "cairn.material.sbom.main_component.version": "sha256:3b1c2f0e9d8a7b6c",
      "cairn.material.tool.name": "syft",
      "cairn.material.tool.version": "1.4.1",
      "cairn.material.tools": "[\"syft@1.4.1\"]",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-missing-creators.json", code: "MATERIAL_INVALID", laxWarnings: 2 },
  { file: "invalid-not-object.json", code: "MATERIAL_INVALID" },
  { file: "invalid-spdx-3.json", code: "MATERIAL_INVALID" },
];

kindTable(sbomSpdxKind, positives, negatives);
