import { csafVexKind } from "./csaf-vex.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-vex.json",
    digest: "sha256:72d2b1f1eaffd8f3a4b8889f5c8d9472ba752034b85e894d55411e2a6731c894",
    annotations: {
      "cairn.material.csaf.category": "csaf_vex",
      "cairn.material.csaf.version": "2.0",
      "cairn.material.csaf.tracking_id": "ACME-VEX-2026-0007",
      "cairn.material.csaf.tracking_version": "2",
      "cairn.material.csaf.publisher": "ACME Product Security",
      "cairn.material.csaf.vulnerability_count": "1",
      "cairn.material.tool.name": "Secvisogram",
      "cairn.material.tool.version": "2.5.3",
      "cairn.material.tools": "[\"Secvisogram@2.5.3\"]",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-no-product-status.json", code: "MATERIAL_INVALID", laxWarnings: 2 },
];

kindTable(csafVexKind, positives, negatives);
