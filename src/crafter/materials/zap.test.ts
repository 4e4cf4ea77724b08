import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { gzip, makeTar, makeZip } from "../archive/testing.ts";
import { ANN } from "./kind.ts";
import { kindTable, sampleOf } from "./kind-testing.ts";
import { zapKind } from "./zap.ts";

const fx = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/materials/ZAP_DAST_ZIP/${name}`, import.meta.url)));
const JUNK = new Uint8Array([0, 5, 22, 7, 0, 2, 0, 0]); // an AppleDouble header, as macOS Finder adds
/** The zip a ZAP run's output folder becomes when zipped on a Mac (with __MACOSX copies). */
const scanZip = (report: Uint8Array = fx("scan/report_json.json")) =>
  makeZip({
    "zap_scan/report_md.md": fx("scan/report_md.md"),
    "__MACOSX/zap_scan/._report_json.json": JUNK,
    "zap_scan/report_json.json": report,
  });

kindTable(
  zapKind,
  [
    {
      name: "scan zip with macOS metadata",
      fileName: "zap_scan.zip",
      bytes: () => scanZip(),
      digest: "sha256:030050a3dc18c321aa9beb85d6708d196f27413634684fb0a5b972c99327e0d9",
      annotations: {
        [`${ANN}.zap.version`]: "2.16.0",
        [`${ANN}.zap.sites`]: "2",
        [`${ANN}.zap.alerts.high`]: "1",
        [`${ANN}.zap.alerts.medium`]: "1",
        [`${ANN}.zap.alerts.low`]: "1",
        [`${ANN}.zap.alerts.informational`]: "1",
      },
    },
  ],
  [
    { name: "zip without report_json.json", fileName: "zap_scan_wrong.zip", bytes: () => makeZip({ "zap_scan/report_md.md": fx("scan/report_md.md") }) },
    { name: "only the AppleDouble copy", fileName: "mac.zip", bytes: () => makeZip({ "__MACOSX/zap_scan/._report_json.json": JUNK }) },
    { name: "report from another tool", fileName: "burp.zip", bytes: () => scanZip(fx("report-burp.json")) },
    { name: "truncated JSON", fileName: "cut.zip", bytes: () => scanZip(fx("report-truncated.json")) },
    { name: "tar.gz instead of zip", fileName: "zap.tar.gz", bytes: () => gzip(makeTar([{ name: "report_json.json", body: fx("scan/report_json.json") }])) },
    { name: "the bare JSON report", fileName: "report_json.json", bytes: () => fx("scan/report_json.json") },
  ],
);

describe("ZAP_DAST_ZIP", () => {
  test("projection is the parsed report", () => {
    const p = zapKind.project(scanZip()) as Record<string, unknown>;
    expect(p["@programName"]).toBe("ZAP");
    expect((p["site"] as unknown[]).length).toBe(2);
  });
  test("sniff ignores zips without a report entry", () => {
    expect(zapKind.sniff(sampleOf(makeZip({ "a/report_json.json.bak": "x", "__MACOSX/a/._report_json.json": "y" }), "z.zip"))).toBe(false);
  });
});
