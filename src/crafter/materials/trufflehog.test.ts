import { expect, test } from "bun:test";
import { trufflehogKind } from "./trufflehog.ts";
import { fixtureBytes, kindTable, type Negative, type Positive } from "../../../test/kind-table.ts";

const positives: Positive[] = [
  {
    file: "valid-array.json",
    digest: "sha256:0be2e1152b9858eff9af5dbb3a9e1ebf37372faa2c808ccc9ed98f3d8d219c50",
    annotations: {
      "cairn.material.tool.name": "trufflehog",
      "cairn.material.findings.count": "1",
      "cairn.material.findings.verified": "0",
    },
  },
  {
    file: "valid-empty.jsonl",
    digest: "sha256:01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b",
    annotations: {
      "cairn.material.tool.name": "trufflehog",
      "cairn.material.findings.count": "0",
      "cairn.material.findings.verified": "0",
    },
  },
  {
    file: "valid-findings.jsonl",
    digest: "sha256:847631af8a18e4e53cb015429c2d1d598bb86763d1f78239ffb85c17214a0507",
    annotations: {
      "cairn.material.tool.name": "trufflehog",
      "cairn.material.findings.count": "2",
      "cairn.material.findings.verified": "1",
    },
  },
];

const negatives: Negative[] = [
  { file: "invalid-broken-line.jsonl", code: "MATERIAL_INVALID" },
  { file: "invalid-missing-detector.jsonl", code: "MATERIAL_INVALID" },
];

kindTable(trufflehogKind, positives, negatives);

test("policy input: findings as {elements}, an empty scan as {elements: []}", () => {
  expect(trufflehogKind.project(fixtureBytes("TRUFFLEHOG_JSON", "valid-empty.jsonl"))).toEqual({ elements: [] });
  const p = trufflehogKind.project(fixtureBytes("TRUFFLEHOG_JSON", "valid-findings.jsonl")) as { elements: { DetectorName: string }[] };
  expect(p.elements.map((f) => f.DetectorName)).toEqual(["AWS", "Github"]);
});
