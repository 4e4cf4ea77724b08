import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { jacocoKind } from "./jacoco.ts";
import { ANN } from "./kind.ts";
import { kindTable, sampleOf } from "./kind-testing.ts";

const fx = (kind: string, name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/materials/${kind}/${name}`, import.meta.url)));
const jc = (name: string) => fx("JACOCO_XML", name);

kindTable(
  jacocoKind,
  [
    {
      name: "Maven report with DOCTYPE, all counters",
      fileName: "valid-report.xml",
      bytes: () => jc("valid-report.xml"),
      digest: "sha256:c068a755f5cfbe993bbc60f49cf3858a17e68e5a031d097d80463365fd68eb1f",
      annotations: { [`${ANN}.coverage.instructions`]: "75.00", [`${ANN}.coverage.lines`]: "75.00", [`${ANN}.coverage.branches`]: "62.50" },
    },
    {
      name: "no DOCTYPE, no branch counter",
      fileName: "valid-no-branches.xml",
      bytes: () => jc("valid-no-branches.xml"),
      digest: "sha256:1f2c6c14841cc540808a73551632a616689421bf72cda5eb1dace783564ae9e0",
      annotations: { [`${ANN}.coverage.instructions`]: "33.33", [`${ANN}.coverage.lines`]: "66.67" },
    },
  ],
  [
    { name: "no report-wide INSTRUCTION counter", fileName: "invalid-no-instruction.xml", bytes: () => jc("invalid-no-instruction.xml") },
    { name: "non-numeric counter", fileName: "invalid-counter.xml", bytes: () => jc("invalid-counter.xml") },
    { name: "malformed XML", fileName: "invalid-malformed.xml", bytes: () => jc("invalid-malformed.xml") },
    { name: "Cobertura report", fileName: "coverage.xml", bytes: () => fx("COBERTURA_XML", "valid-cobertura.xml") },
    { name: "JUnit report", fileName: "junit.xml", bytes: () => fx("JUNIT_XML", "valid-testsuite.xml") },
  ],
);

describe("JACOCO_XML", () => {
  test("projection is the fast-xml-parser object with repeated elements as arrays", () => {
    const p = jacocoKind.project(jc("valid-no-branches.xml")) as { report: Record<string, unknown> };
    expect(p.report["@_name"]).toBe("tiny");
    expect(p.report["counter"]).toEqual([
      { "@_type": "INSTRUCTION", "@_missed": "2", "@_covered": "1" },
      { "@_type": "LINE", "@_missed": "1", "@_covered": "2" },
    ]);
    expect((p.report["package"] as unknown[]).length).toBe(1);
  });
  test("sniff needs a <report> root plus a JaCoCo marker", () => {
    const enc = new TextEncoder();
    expect(jacocoKind.sniff(sampleOf(enc.encode('<report name="x"><group name="g"/></report>'), "r.xml"))).toBe(false);
    expect(jacocoKind.sniff(sampleOf(enc.encode('<report name="x"><counter type="INSTRUCTION" missed="1" covered="1"/></report>'), "r.xml"))).toBe(true);
  });
});
