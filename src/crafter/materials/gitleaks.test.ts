import { gitleaksKind } from "./gitleaks.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-findings.json",
    digest: "sha256:d76c7e88b54e2bef2832eb9abb3a6a24dbf0598db2a25ba78c9cbab6497b072e",
    annotations: {
      "cairn.material.tool.name": "gitleaks",
      "cairn.material.findings.count": "2",
    },
  },
  {
    file: "valid-gitleaks-clean.json",
    digest: "sha256:37517e5f3dc66819f61f5a7bb8ace1921282415f10551d2defa5c3eb0985b570",
    annotations: {
      "cairn.material.tool.name": "gitleaks",
      "cairn.material.findings.count": "0",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-no-fingerprint.json", code: "MATERIAL_INVALID" },
];

kindTable(gitleaksKind, positives, negatives);
