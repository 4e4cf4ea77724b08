import { ghasDependencyScanKind } from "./ghas-dependency-scan.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-alerts.json",
    digest: "sha256:2f4e6c8874f520f0805d98ace6d043f81e3e73992e8352b70b24dfeba4305db4",
    annotations: {
      "cairn.material.findings.count": "1",
      "cairn.material.findings.open": "1",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-not-a-list.json", code: "MATERIAL_INVALID" },
];

kindTable(ghasDependencyScanKind, positives, negatives);
