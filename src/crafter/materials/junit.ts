import { isArchive, peekArchive } from "../archive/index.ts";
import { isOsMetadata } from "../archive/paths.ts";
import { CairnError } from "../../errors.ts";
import { ingestJUnit, JUNIT_ROOTS, type JUnitSuite } from "./junit-report.ts";
import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { sniffXmlRoot } from "./xml.ts";

function isJUnitHead(head: Uint8Array): boolean {
  const root = sniffXmlRoot(head)?.root;
  return root !== undefined && JUNIT_ROOTS.has(root);
}

/**
 * JUnit XML test reports: one XML file, or a zip / tar / tar.gz of them (as Surefire and Gradle
 * leave them). Detection looks at the root element, or for archives at the first XML entries whose
 * start is visible in the head. Policy input: see junit-report.ts.
 */
export const junitKind = {
  kind: "JUNIT_XML",
  summary: "JUnit XML test report, or a zip / tar / tar.gz of reports",
  validates:
    "Well-formed XML whose root is <testsuites> or <testsuite>; for archives every *.xml entry must be " +
    "well-formed (entries with another root are skipped with a warning, other files are ignored). " +
    "At least one test suite is required.",
  annotations: [`${ANN}.junit.suites`, `${ANN}.junit.tests`, `${ANN}.junit.failures`, `${ANN}.junit.errors`, `${ANN}.junit.skipped`, `${ANN}.junit.reports`],
  input: "file",
  autoDetect: true,
  explodesArchives: true,
  example: "--value build/test-results/junit.xml (or test-reports.zip)",
  sniff(sample: Sample): boolean {
    const peek = peekArchive(sample.head);
    if (peek === null) return isJUnitHead(sample.head);
    const xmls = peek.entries.filter((e) => e.type === "file" && /\.xml$/i.test(e.path) && !isOsMetadata(e.path));
    return xmls.slice(0, 8).some((e) => isJUnitHead(e.content()));
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const report = ingestJUnit(bytes, ctx.fileName, isArchive(bytes) !== null);
    if (report.suites.length === 0) {
      throw new CairnError("MATERIAL_INVALID", `${ctx.fileName}: contains no JUnit test suites`, {
        hint: "Point at the XML report(s) your test runner writes (e.g. target/surefire-reports).",
      });
    }
    const count = (list: JUnitSuite[]): number => list.reduce((n, s) => n + 1 + count(s.suites), 0);
    const suites = count(report.suites);
    const sum = (k: "tests" | "failed" | "errors" | "skipped") => String(report.suites.reduce((a, s) => a + s.totals[k], 0));
    return {
      annotations: {
        [`${ANN}.junit.suites`]: String(suites),
        [`${ANN}.junit.tests`]: sum("tests"),
        [`${ANN}.junit.failures`]: sum("failed"),
        [`${ANN}.junit.errors`]: sum("errors"),
        [`${ANN}.junit.skipped`]: sum("skipped"),
        [`${ANN}.junit.reports`]: String(report.reports),
      },
      warnings: report.warnings,
    };
  },
  project(bytes: Uint8Array): unknown {
    return { suites: ingestJUnit(bytes, "junit report", isArchive(bytes) !== null).suites };
  },
} as const satisfies MaterialKind;
