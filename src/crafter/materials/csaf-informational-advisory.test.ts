import { csafInformationalAdvisoryKind } from "./csaf-informational-advisory.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-advisory.json",
    digest: "sha256:8eac48a11c41a31180befd8756a5c52cc77e48b1909ace9da40202ac5a4280aa",
    annotations: {
      "cairn.material.csaf.category": "csaf_informational_advisory",
      "cairn.material.csaf.version": "2.0",
      "cairn.material.csaf.tracking_id": "ACME-IA-2026-0003",
      "cairn.material.csaf.tracking_version": "2",
      "cairn.material.csaf.publisher": "ACME Product Security",
      "cairn.material.csaf.vulnerability_count": "0",
      "cairn.material.tool.name": "Secvisogram",
      "cairn.material.tool.version": "2.5.3",
      "cairn.material.tools": "[\"Secvisogram@2.5.3\"]",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-with-vulnerabilities.json", code: "MATERIAL_INVALID", laxWarnings: 1 },
];

kindTable(csafInformationalAdvisoryKind, positives, negatives);
