import { CairnError } from "../../errors.ts";
import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { textHead } from "./text-head.ts";
import { attr, children, parseXml, sniffXmlRoot } from "./xml.ts";

/** Elements that repeat in a JaCoCo report; always arrays in the parsed form. */
const ARRAYS: ReadonlySet<string> = new Set(["sessioninfo", "group", "package", "class", "method", "sourcefile", "line", "counter"]);

function parse(bytes: Uint8Array, fileName: string): Record<string, unknown> {
  const xml = parseXml(bytes, fileName, ARRAYS);
  if (xml.root !== "report") {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: root element is <${xml.root}>, expected JaCoCo's <report>`);
  }
  return xml.doc;
}

/** Report-wide counters (the <counter> children of <report>) by type, checked to be counts. */
function totals(doc: Record<string, unknown>, fileName: string): Map<string, { missed: number; covered: number }> {
  const out = new Map<string, { missed: number; covered: number }>();
  for (const c of children(doc, "counter")) {
    const missed = Number(attr(c, "missed"));
    const covered = Number(attr(c, "covered"));
    if (!Number.isSafeInteger(missed) || !Number.isSafeInteger(covered) || missed < 0 || covered < 0 || attr(c, "missed") === "") {
      throw new CairnError("MATERIAL_INVALID", `${fileName}: <counter type="${attr(c, "type")}"> has non-numeric missed/covered values`);
    }
    out.set(attr(c, "type"), { missed, covered });
  }
  return out;
}

/**
 * JaCoCo XML coverage report. Annotations are the report-wide percentages (2 decimals) of the
 * INSTRUCTION, LINE and BRANCH counters; a counter with nothing to cover gives no annotation.
 * Policy input: `{ report: … }` as parsed by fast-xml-parser (see xml.ts; attributes as "@_x"
 * strings; sessioninfo, group, package, class, method, sourcefile, line, counter always arrays).
 */
export const jacocoKind = {
  kind: "JACOCO_XML",
  summary: "JaCoCo XML code coverage report",
  validates: "Well-formed XML with root <report> carrying report-wide <counter> elements, including type INSTRUCTION.",
  annotations: [`${ANN}.coverage.instructions`, `${ANN}.coverage.lines`, `${ANN}.coverage.branches`],
  input: "file",
  autoDetect: true,
  example: "--value target/site/jacoco/jacoco.xml",
  sniff(sample: Sample): boolean {
    const head = sniffXmlRoot(sample.head);
    if (head?.root !== "report") return false;
    if (/JACOCO/i.test(head.doctype)) return true;
    return /<sessioninfo\s|<counter\s+type="INSTRUCTION"/.test(textHead(sample.head) ?? "");
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const counters = totals(parse(bytes, ctx.fileName), ctx.fileName);
    if (!counters.has("INSTRUCTION")) {
      throw new CairnError("MATERIAL_INVALID", `${ctx.fileName}: <report> has no report-wide INSTRUCTION counter`, {
        hint: "Use the jacoco.xml written by `jacoco:report` (an empty run produces no counters).",
      });
    }
    const annotations: Record<string, string> = {};
    const keys = [["INSTRUCTION", "instructions"], ["LINE", "lines"], ["BRANCH", "branches"]] as const;
    for (const [type, key] of keys) {
      const c = counters.get(type);
      if (c && c.missed + c.covered > 0) annotations[`${ANN}.coverage.${key}`] = ((100 * c.covered) / (c.missed + c.covered)).toFixed(2);
    }
    return { annotations, warnings: [] };
  },
  project(bytes: Uint8Array): unknown {
    return { report: parse(bytes, "jacoco report") };
  },
} as const satisfies MaterialKind;
