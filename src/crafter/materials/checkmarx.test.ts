import { checkmarxKind } from "./checkmarx.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-multi-engine.json",
    digest: "sha256:20a1823a4cb79bfc79868cb2092694df6f501cddfb620c53b78c1ae8f29042cf",
    annotations: {
      "cairn.material.tool.name": "checkmarx",
      "cairn.material.findings.count": "3",
      "cairn.material.scan.types": "iac,sast,sca",
    },
  },
  {
    file: "valid-null-results.json",
    digest: "sha256:f30bf8ca9fffad50039b6d24e4dfc8db65cdca673488fedfacfac5aedeb9ffcb",
    annotations: {
      "cairn.material.tool.name": "checkmarx",
      "cairn.material.findings.count": "0",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-no-scan-id.json", code: "MATERIAL_INVALID" },
  { file: "invalid-result-without-data.json", code: "MATERIAL_INVALID" },
];

kindTable(checkmarxKind, positives, negatives);
