import { detectSecretsKind } from "./detect-secrets.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-clean.json",
    digest: "sha256:c98ea3c853d3386f5e8f4cb5b9ea4e739b3cc93184c32989136cafbf624ed2fe",
    annotations: {
      "cairn.material.tool.name": "detect-secrets",
      "cairn.material.tool.version": "1.4.0",
      "cairn.material.findings.count": "0",
      "cairn.material.findings.files": "0",
    },
  },
  {
    file: "valid-findings.json",
    digest: "sha256:e1dfcbf7a3996b2478e9e4f252f238870159d0c7ea09aa4ce06a3614d9251cdd",
    annotations: {
      "cairn.material.tool.name": "detect-secrets",
      "cairn.material.tool.version": "1.5.0",
      "cairn.material.findings.count": "3",
      "cairn.material.findings.files": "2",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-no-plugins.json", code: "MATERIAL_INVALID" },
  { file: "invalid-results-not-list.json", code: "MATERIAL_INVALID" },
];

kindTable(detectSecretsKind, positives, negatives);
