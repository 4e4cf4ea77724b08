import { gitlabKind } from "./gitlab.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-dependency-scanning.json",
    digest: "sha256:be5193b4e55bba988fbc798f5036a17af9ee56ca5caa463aa22e8445a91c695b",
    annotations: {
      "cairn.material.scan.type": "dependency_scanning",
      "cairn.material.scan.status": "success",
      "cairn.material.findings.count": "1",
      "cairn.material.gitlab.schema_version": "15.0.7",
      "cairn.material.tool.name": "Gemnasium",
      "cairn.material.tool.version": "5.8.0",
      "cairn.material.tools": "[\"Gemnasium@5.8.0\",\"Gemnasium analyzer@5.2.1\"]",
    },
  },
  {
    file: "valid-sast.json",
    digest: "sha256:49411aac58d23b71da86b257c18058d4192fd9421ac7271e156de7a55266a51c",
    annotations: {
      "cairn.material.scan.type": "sast",
      "cairn.material.scan.status": "success",
      "cairn.material.findings.count": "2",
      "cairn.material.gitlab.schema_version": "15.1.4",
      "cairn.material.tool.name": "Semgrep",
      "cairn.material.tool.version": "1.79.0",
      "cairn.material.tools": "[\"Semgrep@1.79.0\",\"Semgrep analyzer@5.2.1\"]",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-missing-identifiers.json", code: "MATERIAL_INVALID", laxWarnings: 2 },
  { file: "invalid-scan-type.json", code: "MATERIAL_INVALID" },
];

kindTable(gitlabKind, positives, negatives);
