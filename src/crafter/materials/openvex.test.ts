import { openvexKind } from "./openvex.ts";
import { kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-v0.2.json",
    digest: "sha256:2395817c77413214e88b12cd3d9f43682437d883d9fd6ee65a4c0f0dd0e700d7",
    annotations: {
      "cairn.material.openvex.id": "https://openvex.dev/docs/acme/vex-9c1d2e3f",
      "cairn.material.openvex.author": "ACME Product Security <psirt@acme.example>",
      "cairn.material.openvex.version": "2",
      "cairn.material.openvex.statement_count": "4",
      "cairn.material.openvex.status.not_affected": "1",
      "cairn.material.openvex.status.affected": "1",
      "cairn.material.openvex.status.fixed": "1",
      "cairn.material.openvex.status.under_investigation": "1",
      "cairn.material.tool.name": "vexctl/0.3.0",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-context.json", code: "MATERIAL_INVALID" },
  { file: "invalid-not-affected-without-justification.json", code: "MATERIAL_INVALID", laxWarnings: 2 },
];

kindTable(openvexKind, positives, negatives);
