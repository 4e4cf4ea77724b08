import { readArchive } from "../archive/index.ts";
import { isOsMetadata } from "../archive/paths.ts";
import { CairnError } from "../../errors.ts";
import { attr, children, parseXml, type ParsedXml } from "./xml.ts";

/**
 * JUnit XML reports → the JUNIT_XML policy input. Shape (one entry per top-level <testsuite>,
 * nested suites under `suites`; all suites of all reports of an archive, in archive path order):
 *
 *   { suites: [ { name, package?, timestamp?, time?, properties: { name: value },
 *                 tests: [ { name, classname, time?, status: "passed"|"failed"|"error"|"skipped",
 *                            message?, type? } ],
 *                 suites: [ …nested… ],
 *                 totals: { tests, passed, failed, errors, skipped } } ] }
 *
 * Totals are counted from the <testcase> elements (the tests/failures attributes of many tools
 * are missing or stale); a suite's totals include its nested suites. `message` is the failure's
 * message attribute, else the first line of its text, cut at 1000 characters; outputs and stack
 * traces are left out so policy inputs stay small.
 */
export interface JUnitTotals {
  tests: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}
export interface JUnitCase {
  name: string;
  classname: string;
  time?: number;
  status: "passed" | "failed" | "error" | "skipped";
  message?: string;
  type?: string;
}
export interface JUnitSuite {
  name: string;
  package?: string;
  timestamp?: string;
  time?: number;
  properties: Record<string, string>;
  tests: JUnitCase[];
  suites: JUnitSuite[];
  totals: JUnitTotals;
}

export const JUNIT_ROOTS: ReadonlySet<string> = new Set(["testsuites", "testsuite"]);
const ARRAYS: ReadonlySet<string> = new Set(["testsuite", "testcase", "property", "properties", "failure", "error", "skipped"]);

function seconds(el: unknown): number | undefined {
  const t = Number.parseFloat(attr(el, "time").replace(/,/g, ""));
  return Number.isFinite(t) ? t : undefined;
}

function textOf(el: unknown): string {
  if (typeof el === "string") return el;
  const t = typeof el === "object" && el !== null ? (el as Record<string, unknown>)["#text"] : undefined;
  return typeof t === "string" ? t : "";
}

function testCase(el: Record<string, unknown>): JUnitCase {
  const out: JUnitCase = { name: attr(el, "name"), classname: attr(el, "classname"), status: "passed" };
  const time = seconds(el);
  if (time !== undefined) out.time = time;
  const statuses = [["error", "error"], ["failure", "failed"], ["skipped", "skipped"]] as const;
  for (const [tag, status] of statuses) {
    if (!(tag in el)) continue;
    out.status = status;
    const detail = (el[tag] as unknown[])[0];
    const message = attr(detail, "message") || textOf(detail).trim().split("\n")[0] || "";
    if (message !== "") out.message = message.slice(0, 1000);
    if (attr(detail, "type") !== "") out.type = attr(detail, "type");
    break;
  }
  return out;
}

function suite(el: Record<string, unknown>): JUnitSuite {
  const properties: Record<string, string> = {};
  for (const group of children(el, "properties")) {
    for (const p of children(group, "property")) properties[attr(p, "name")] = attr(p, "value");
  }
  const tests = children(el, "testcase").map(testCase);
  const suites = children(el, "testsuite").map(suite);
  const totals: JUnitTotals = { tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0 };
  for (const t of tests) {
    totals.tests++;
    totals[t.status === "error" ? "errors" : t.status]++;
  }
  for (const s of suites) for (const k of Object.keys(totals) as (keyof JUnitTotals)[]) totals[k] += s.totals[k];
  const out: JUnitSuite = { name: attr(el, "name"), properties, tests, suites, totals };
  if (attr(el, "package") !== "") out.package = attr(el, "package");
  if (attr(el, "timestamp") !== "") out.timestamp = attr(el, "timestamp");
  const time = seconds(el);
  if (time !== undefined) out.time = time;
  return out;
}

/** Suites of one parsed report, or null when its root is not <testsuites>/<testsuite>. */
export function suitesOf(xml: ParsedXml): JUnitSuite[] | null {
  if (xml.root === "testsuite") return [suite(xml.doc)];
  if (xml.root === "testsuites") return children(xml.doc, "testsuite").map(suite);
  return null;
}

export interface JUnitIngest {
  suites: JUnitSuite[];
  /** Number of XML reports read (1 for a plain file). */
  reports: number;
  warnings: string[];
}

/** Reads a JUnit XML file, or every `*.xml` of a zip / tar / tar.gz of reports. */
export function ingestJUnit(bytes: Uint8Array, fileName: string, archive: boolean): JUnitIngest {
  if (!archive) {
    const xml = parseXml(bytes, fileName, ARRAYS);
    const suites = suitesOf(xml);
    if (suites === null) {
      throw new CairnError("MATERIAL_INVALID", `${fileName}: root element is <${xml.root}>, expected <testsuites> or <testsuite>`);
    }
    return { suites, reports: 1, warnings: [] };
  }
  const out: JUnitIngest = { suites: [], reports: 0, warnings: [] };
  const entries = readArchive(bytes, { label: fileName }).entries.filter((e) => /\.xml$/i.test(e.path) && !isOsMetadata(e.path));
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of entries) {
    const xml = parseXml(e.bytes, `${fileName}:${e.path}`, ARRAYS);
    const suites = suitesOf(xml);
    if (suites === null) {
      out.warnings.push(`${e.path}: root element <${xml.root}> is not a JUnit report; skipped`);
      continue;
    }
    out.reports++;
    out.suites.push(...suites);
  }
  return out;
}
