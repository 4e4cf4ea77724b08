import { ghasSecretScanKind } from "./ghas-secret-scan.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-alerts.json",
    digest: "sha256:d2f0cbaba3d797815fd968d7fe58c0653e7312dac42e5e1d9861f53e3412f4c4",
    annotations: {
      "cairn.material.findings.count": "2",
      "cairn.material.findings.open": "1",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-dependabot-alerts.json", code: "MATERIAL_INVALID" },
];

kindTable(ghasSecretScanKind, positives, negatives);
