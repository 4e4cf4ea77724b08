import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { makeZip } from "../archive/testing.ts";
import { junitKind } from "./junit.ts";
import { ANN } from "./kind.ts";
import { archiveOf, kindTable, sampleOf } from "./kind-testing.ts";

const fx = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/materials/JUNIT_XML/${name}`, import.meta.url)));
const REPORTS = ["TEST-api.HealthTest.xml", "TEST-api.RoutesTest.xml", "coverage-summary.xml", "README.txt"];
const reports = (prefix = "build/test-results/") =>
  Object.fromEntries(REPORTS.map((n) => [`${prefix}${n}`, fx(`reports/${n}`)]));

const ann = (suites: number, tests: number, failures: number, errors: number, skipped: number, reports = 1) => ({
  [`${ANN}.junit.suites`]: String(suites),
  [`${ANN}.junit.tests`]: String(tests),
  [`${ANN}.junit.failures`]: String(failures),
  [`${ANN}.junit.errors`]: String(errors),
  [`${ANN}.junit.skipped`]: String(skipped),
  [`${ANN}.junit.reports`]: String(reports),
});
const SKIPPED_SUMMARY = "build/test-results/coverage-summary.xml: root element <summary> is not a JUnit report; skipped";

kindTable(
  junitKind,
  [
    {
      name: "testsuites with nested suites, failure, error, skipped",
      fileName: "valid-testsuites.xml",
      bytes: () => fx("valid-testsuites.xml"),
      digest: "sha256:4b4692503ef4040ba35c9a23b79de297aacc167c85437af52fa7704560cb6cae",
      annotations: ann(3, 7, 1, 1, 1),
    },
    {
      name: "single testsuite root (pytest)",
      fileName: "valid-testsuite.xml",
      bytes: () => fx("valid-testsuite.xml"),
      digest: "sha256:e28e787d2381cf1147647e618dc4112461d440bc41f483c7f77242547afc96ec",
      annotations: ann(1, 3, 0, 0, 1),
    },
    {
      name: "ISO-8859-1 encoded report",
      fileName: "valid-latin1.xml",
      bytes: () => fx("valid-latin1.xml"),
      digest: "sha256:54bb084e54663a156061c2da018623159913566ef19e396aabaa1d6798a53dd4",
      annotations: ann(1, 1, 0, 0, 0),
    },
    {
      name: "zip of reports (non-XML ignored, non-JUnit XML skipped)",
      fileName: "reports.zip",
      bytes: () => archiveOf(reports(), "zip"),
      digest: "sha256:6b40b1ede59e452aea5c6927983b0738bae6f2582e963eba99b1727899cad347",
      annotations: ann(2, 5, 1, 0, 1, 2),
      warnings: [SKIPPED_SUMMARY],
    },
    {
      name: "tar.gz of reports",
      fileName: "reports.tar.gz",
      bytes: () => archiveOf(reports(), "tar.gz"),
      digest: "sha256:0290ac7dc4af35ef3388c89a39798331d1b821ac8ad54189b320f6090c0221c8",
      annotations: ann(2, 5, 1, 0, 1, 2),
      warnings: [SKIPPED_SUMMARY],
    },
    {
      name: "plain tar of reports",
      fileName: "reports.tar",
      bytes: () => archiveOf(reports(), "tar"),
      digest: "sha256:592cff11011f5092139b17e4e2615bcfa80b857c2e8ace150d1e18004ea32a9c",
      annotations: ann(2, 5, 1, 0, 1, 2),
      warnings: [SKIPPED_SUMMARY],
    },
  ],
  [
    { name: "root is not testsuites/testsuite", fileName: "invalid-root.xml", bytes: () => fx("invalid-root.xml") },
    { name: "malformed XML", fileName: "invalid-malformed.xml", bytes: () => fx("invalid-malformed.xml") },
    { name: "no test suites", fileName: "invalid-no-suites.xml", bytes: () => fx("invalid-no-suites.xml") },
    { name: "not XML at all", fileName: "notes.txt", bytes: () => fx("reports/README.txt") },
    { name: "archive without XML", fileName: "docs.zip", bytes: () => makeZip({ "README.txt": fx("reports/README.txt") }) },
    { name: "archive with malformed XML", fileName: "bad.zip", bytes: () => makeZip({ "a.xml": fx("invalid-malformed.xml") }) },
    { name: "archive only with non-JUnit XML", fileName: "other.zip", bytes: () => makeZip({ "r.xml": fx("invalid-root.xml") }) },
    { name: "archive with traversal path", fileName: "evil.zip", bytes: () => makeZip({ "../TEST-x.xml": fx("valid-testsuite.xml") }) },
  ],
);

describe("JUNIT_XML projection", () => {
  test("suites with cases, statuses, properties and totals", () => {
    const p = junitKind.project(fx("valid-testsuites.xml")) as { suites: Record<string, unknown>[] };
    expect(p.suites.length).toBe(2);
    expect(p.suites[0]).toEqual({
      name: "store.blobs",
      package: "store",
      timestamp: "2026-01-02T03:04:05",
      time: 1.25,
      properties: { "java.version": "21", "os.name": "Linux" },
      tests: [
        { name: "put then get", classname: "store.BlobTest", time: 0.5, status: "passed" },
        { name: "rejects bad digest", classname: "store.BlobTest", time: 0.25, status: "failed", message: "expected INTEGRITY, got IO", type: "AssertionError" },
        { name: "lists <sorted>", classname: "store.BlobTest", time: 0.5, status: "passed" },
      ],
      suites: [],
      totals: { tests: 3, passed: 2, failed: 1, errors: 0, skipped: 0 },
    });
    const crafter = p.suites[1] as { suites: { tests: unknown[] }[]; totals: unknown };
    expect(crafter.totals).toEqual({ tests: 4, passed: 2, failed: 0, errors: 1, skipped: 1 });
    expect(crafter.suites[0]?.tests[0]).toEqual({ name: "init twice", classname: "crafter.StateTest", time: 1, status: "error", message: "boom", type: "java.lang.NullPointerException" });
  });
  test("archives project the suites of all reports in path order", () => {
    const p = junitKind.project(archiveOf(reports(), "zip")) as { suites: { name: string }[] };
    expect(p.suites.map((s) => s.name)).toEqual(["api.HealthTest", "api.RoutesTest"]);
  });
});

describe("JUNIT_XML sniff", () => {
  const enc = new TextEncoder();
  test.each([
    ["bare testsuite", "<testsuite name='x'/>", true],
    ["namespaced root after comment and DOCTYPE", "<!-- c --><!DOCTYPE x><ns:testsuites xmlns:ns='u'>", true],
    ["lookalike root", "<testsuites2>", false],
    ["other XML", "<report name='x'>", false],
    ["JSON", '{"testsuites": []}', false],
  ] as const)("%s", (_n, text, want) => {
    expect(junitKind.sniff(sampleOf(enc.encode(text), "f"))).toBe(want);
  });
  test("an archive whose first XML entries are not JUnit is not sniffed", () => {
    expect(junitKind.sniff(sampleOf(makeZip({ "pom.xml": "<project/>" }), "x.zip"))).toBe(false);
  });
});
