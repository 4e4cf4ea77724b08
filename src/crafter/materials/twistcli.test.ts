import { twistcliKind } from "./twistcli.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-scan.json",
    digest: "sha256:db4638fe8cc934240aa0b036710dbfc6aa8418ce3b54cb4d880b88b1922db2ce",
    annotations: {
      "cairn.material.tool.name": "twistcli",
      "cairn.material.findings.count": "2",
      "cairn.material.scan.target": "registry.example.com/acme/payments-api:2.3.0",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-empty-console-url.json", code: "MATERIAL_INVALID" },
];

kindTable(twistcliKind, positives, negatives);
