import { sarifKind } from "./sarif.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-codeql.json",
    digest: "sha256:1ba7844be1df9dd20d714ff60ad23cda44b335d3c364ae237969246a4bcb1b47",
    annotations: {
      "cairn.material.tool.name": "CodeQL",
      "cairn.material.tool.version": "2.17.6",
      "cairn.material.tools": "[\"CodeQL@2.17.6\"]",
      "cairn.material.sarif.run_count": "1",
      "cairn.material.sarif.rule_count": "3",
      "cairn.material.sarif.result_count": "5",
      "cairn.material.sarif.results.error": "2",
      "cairn.material.sarif.results.warning": "1",
      "cairn.material.sarif.results.note": "1",
      "cairn.material.sarif.results.none": "1",
    },
  },
  {
    file: "valid-control-chars.json",
    digest: "sha256:1888cfd74081dcb98e596eb211a55b1b17bffc9a334e3f152101732d34f3acad",
    annotations: {
      "cairn.material.tool.name": "SonarQube",
      "cairn.material.tool.version": "10.7",
      "cairn.material.tools": "[\"SonarQube@10.7\"]",
      "cairn.material.sarif.run_count": "1",
      "cairn.material.sarif.rule_count": "0",
      "cairn.material.sarif.result_count": "1",
      "cairn.material.sarif.results.error": "1",
      "cairn.material.sarif.results.warning": "0",
      "cairn.material.sarif.results.note": "0",
      "cairn.material.sarif.results.none": "0",
    },
    warnings: 1,
  },
  {
    file: "valid-two-runs.json",
    digest: "sha256:f4c21cf8289e7082e5230b84f5613d01fa56e71ef08c6015bd7f39eb4ac70b9e",
    annotations: {
      "cairn.material.tool.name": "Semgrep OSS",
      "cairn.material.tool.version": "1.79.0",
      "cairn.material.tools": "[\"Semgrep OSS@1.79.0\",\"Trivy@0.58.1\"]",
      "cairn.material.sarif.run_count": "2",
      "cairn.material.sarif.rule_count": "1",
      "cairn.material.sarif.result_count": "1",
      "cairn.material.sarif.results.error": "0",
      "cairn.material.sarif.results.warning": "1",
      "cairn.material.sarif.results.note": "0",
      "cairn.material.sarif.results.none": "0",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-no-runs.json", code: "MATERIAL_INVALID" },
  { file: "invalid-run-problems.json", code: "MATERIAL_INVALID", laxWarnings: 2 },
  { file: "invalid-version-2.0.json", code: "MATERIAL_INVALID" },
];

kindTable(sarifKind, positives, negatives);
