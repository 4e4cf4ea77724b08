import { blackduckKind } from "./blackduck.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-report.json",
    digest: "sha256:af6abb9af383aac121b5ebe70ae74006be3d25a30771ced13a518a01b8c7febd",
    annotations: {
      "cairn.material.tool.name": "blackduck",
      "cairn.material.findings.count": "3",
      "cairn.material.blackduck.project": "acme-payments",
      "cairn.material.blackduck.project_version": "2026.03",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-missing-sections.json", code: "MATERIAL_INVALID" },
];

kindTable(blackduckKind, positives, negatives);
