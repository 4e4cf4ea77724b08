import { scorecardKind } from "./scorecard.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-report.json",
    digest: "sha256:4aeaf3676b88d907a6fbda5f4b318d5f1c191bf892d962560db173fd4d50004e",
    annotations: {
      "cairn.material.tool.name": "scorecard",
      "cairn.material.tool.version": "v5.1.1",
      "cairn.material.scorecard.score": "6.4",
      "cairn.material.scorecard.repo": "github.com/acme/payments-api",
      "cairn.material.scorecard.checks": "3",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-no-score.json", code: "MATERIAL_INVALID", laxWarnings: 1 },
  { file: "invalid-not-scorecard.json", code: "MATERIAL_INVALID" },
];

kindTable(scorecardKind, positives, negatives);
