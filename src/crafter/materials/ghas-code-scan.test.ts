import { ghasCodeScanKind } from "./ghas-code-scan.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-alerts.json",
    digest: "sha256:6fdcdbe81865f39250870f2816e85406f5d028272bbb690a5248c76ff3e6014f",
    annotations: {
      "cairn.material.findings.count": "3",
      "cairn.material.findings.open": "2",
      "cairn.material.tool.name": "CodeQL",
      "cairn.material.tool.version": "2.17.6",
      "cairn.material.tools": "[\"CodeQL@2.17.6\",\"Trivy@0.58.1\"]",
    },
  },
  {
    file: "valid-empty.json",
    digest: "sha256:37517e5f3dc66819f61f5a7bb8ace1921282415f10551d2defa5c3eb0985b570",
    annotations: {
      "cairn.material.findings.count": "0",
      "cairn.material.findings.open": "0",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-secret-alerts.json", code: "MATERIAL_INVALID" },
];

kindTable(ghasCodeScanKind, positives, negatives);
