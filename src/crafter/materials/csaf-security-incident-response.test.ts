import { csafSecurityIncidentResponseKind } from "./csaf-security-incident-response.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-incident.json",
    digest: "sha256:013ed44d20cf4f6f3a5a96a3b550f5f7969171b106304c2bf846c9ef26f61356",
    annotations: {
      "cairn.material.csaf.category": "csaf_security_incident_response",
      "cairn.material.csaf.version": "2.1",
      "cairn.material.csaf.tracking_id": "ACME-IR-2026-0001",
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
  { file: "invalid-no-references.json", code: "MATERIAL_INVALID", laxWarnings: 1 },
  { file: "invalid-unknown-category.json", code: "MATERIAL_INVALID" },
];

kindTable(csafSecurityIncidentResponseKind, positives, negatives);
