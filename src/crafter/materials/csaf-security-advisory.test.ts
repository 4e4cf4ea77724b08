import { csafSecurityAdvisoryKind } from "./csaf-security-advisory.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-advisory.json",
    digest: "sha256:1b8a21b9cd8a57fb9112f2d87bea33c5348487a67e73bd27a97f895284b2e8c5",
    annotations: {
      "cairn.material.csaf.category": "csaf_security_advisory",
      "cairn.material.csaf.version": "2.0",
      "cairn.material.csaf.tracking_id": "ACME-SA-2026-0012",
      "cairn.material.csaf.tracking_version": "2",
      "cairn.material.csaf.publisher": "ACME Product Security",
      "cairn.material.csaf.vulnerability_count": "1",
      "cairn.material.tool.name": "ACME CSAF writer",
      "cairn.material.tool.version": "1.2.0",
      "cairn.material.tools": "[\"ACME CSAF writer@1.2.0\"]",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-vex-category.json", code: "MATERIAL_INVALID" },
];

kindTable(csafSecurityAdvisoryKind, positives, negatives);
