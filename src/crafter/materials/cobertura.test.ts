import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { coberturaKind } from "./cobertura.ts";
import { ANN } from "./kind.ts";
import { kindTable, sampleOf } from "./kind-testing.ts";

const fx = (kind: string, name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/materials/${kind}/${name}`, import.meta.url)));
const cb = (name: string) => fx("COBERTURA_XML", name);
const ann = (lineRate: string, branchRate: string, lines?: string, branches?: string) => ({
  [`${ANN}.cobertura.line_rate`]: lineRate,
  [`${ANN}.cobertura.branch_rate`]: branchRate,
  ...(lines === undefined ? {} : { [`${ANN}.coverage.lines`]: lines }),
  ...(branches === undefined ? {} : { [`${ANN}.coverage.branches`]: branches }),
});

kindTable(
  coberturaKind,
  [
    { name: "Cobertura with DOCTYPE", fileName: "valid-cobertura.xml", bytes: () => cb("valid-cobertura.xml"), digest: "sha256:b9854b28675ea8c0aae21d59790c03ce7a2158a9f987cad230084bb81ef5288a", annotations: ann("0.8", "0.5", "80.00", "50.00") },
    { name: "coverage.py, no branches measured", fileName: "valid-coveragepy.xml", bytes: () => cb("valid-coveragepy.xml"), digest: "sha256:913e4daf476cb752a870e9f096eab54a46de76866f882de5a8faed2286bd4872", annotations: ann("0.9", "0", "90.00") },
    { name: "empty project (line-rate NaN)", fileName: "valid-empty-nan.xml", bytes: () => cb("valid-empty-nan.xml"), digest: "sha256:05f3aa5c5e09a2923443501af13115ac13c9e20e4ecb8b2191f58d9464cc4b5b", annotations: ann("NaN", "0") },
    { name: "0% coverage with packages", fileName: "valid-zero-with-packages.xml", bytes: () => cb("valid-zero-with-packages.xml"), digest: "sha256:e427275f4079772f98bc782d8d7770aeb774c7cae36dd88bbc7e3ab1316af46e", annotations: ann("0", "0", "0.00") },
  ],
  [
    { name: "line-rate 0 and no packages", fileName: "invalid-no-data.xml", bytes: () => cb("invalid-no-data.xml") },
    { name: "non-numeric line-rate", fileName: "invalid-rate.xml", bytes: () => cb("invalid-rate.xml") },
    { name: "malformed XML", fileName: "invalid-malformed.xml", bytes: () => cb("invalid-malformed.xml") },
    { name: "JaCoCo report", fileName: "jacoco.xml", bytes: () => fx("JACOCO_XML", "valid-report.xml") },
  ],
);

describe("COBERTURA_XML", () => {
  test("projection keeps attributes as strings and repeated elements as arrays", () => {
    const p = coberturaKind.project(cb("valid-cobertura.xml")) as { coverage: Record<string, unknown> };
    expect(p.coverage["@_line-rate"]).toBe("0.8");
    const pkg = (p.coverage["packages"] as { package: Record<string, unknown>[] }).package;
    expect(pkg.map((x) => x["@_name"])).toEqual(["dev.cairn.store"]);
  });
  test("sniff needs <coverage> with a line-rate or a Cobertura DOCTYPE", () => {
    const enc = new TextEncoder();
    expect(coberturaKind.sniff(sampleOf(enc.encode("<coverage><packages/></coverage>"), "c.xml"))).toBe(false);
    expect(coberturaKind.sniff(sampleOf(enc.encode('<coverage\n  line-rate="1">'), "c.xml"))).toBe(true);
  });
});
