import { CairnError } from "../../errors.ts";
import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { attr, children, parseXml, sniffXmlRoot } from "./xml.ts";

/** Elements that repeat in a Cobertura report; always arrays in the parsed form. */
const ARRAYS: ReadonlySet<string> = new Set(["source", "package", "class", "method", "line", "condition"]);

function parse(bytes: Uint8Array, fileName: string): Record<string, unknown> {
  const xml = parseXml(bytes, fileName, ARRAYS);
  if (xml.root !== "coverage") {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: root element is <${xml.root}>, expected Cobertura's <coverage>`);
  }
  return xml.doc;
}

/** A rate attribute: NaN is legal (coverage tools write it for 0/0); absent reads as 0, like Chainloop. */
function rate(doc: unknown, name: string, fileName: string): number {
  const raw = attr(doc, name).trim();
  if (raw === "") return 0;
  const v = raw === "NaN" ? NaN : Number(raw);
  if (raw !== "NaN" && !Number.isFinite(v)) throw new CairnError("MATERIAL_INVALID", `${fileName}: ${name}="${raw}" is not a number`);
  return v;
}

/** Percentage of a rate attribute, unless absent or nothing was measurable (NaN, or "<what>-valid" is 0). */
function percent(doc: unknown, r: number, name: string, valid: string): string | undefined {
  if (attr(doc, name) === "" || !Number.isFinite(r) || attr(doc, valid).trim() === "0") return undefined;
  return (100 * r).toFixed(2);
}

/**
 * Cobertura XML coverage report (also written by coverage.py, gcovr, Istanbul, …). As in Chainloop,
 * only a report with line-rate 0 and no packages is refused: real 0% coverage lists packages, and an
 * empty project's line-rate="NaN" is accepted. Policy input: `{ coverage: … }` as parsed by
 * fast-xml-parser (see xml.ts; source, package, class, method, line, condition always arrays).
 */
export const coberturaKind = {
  kind: "COBERTURA_XML",
  summary: "Cobertura XML code coverage report",
  validates: "Well-formed XML with root <coverage> whose line-rate/branch-rate are numbers (or NaN); line-rate must be non-zero or <packages> non-empty.",
  annotations: [`${ANN}.cobertura.line_rate`, `${ANN}.cobertura.branch_rate`, `${ANN}.coverage.lines`, `${ANN}.coverage.branches`],
  input: "file",
  autoDetect: true,
  example: "--value coverage.xml",
  sniff(sample: Sample): boolean {
    const head = sniffXmlRoot(sample.head);
    return head?.root === "coverage" && (/\sline-rate\s*=/.test(head.startTag) || /cobertura/i.test(head.doctype));
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const doc = parse(bytes, ctx.fileName);
    const lines = rate(doc, "line-rate", ctx.fileName);
    const branches = rate(doc, "branch-rate", ctx.fileName);
    const packages = children(doc, "packages").flatMap((p) => children(p, "package"));
    if (lines === 0 && packages.length === 0) {
      throw new CairnError("MATERIAL_INVALID", `${ctx.fileName}: has line-rate 0 and no packages, so no coverage data`, {
        hint: "Generate the report after the tests ran with coverage enabled.",
      });
    }
    const annotations: Record<string, string> = {};
    if (attr(doc, "line-rate") !== "") annotations[`${ANN}.cobertura.line_rate`] = attr(doc, "line-rate");
    if (attr(doc, "branch-rate") !== "") annotations[`${ANN}.cobertura.branch_rate`] = attr(doc, "branch-rate");
    const l = percent(doc, lines, "line-rate", "lines-valid");
    const b = percent(doc, branches, "branch-rate", "branches-valid");
    if (l !== undefined) annotations[`${ANN}.coverage.lines`] = l;
    if (b !== undefined) annotations[`${ANN}.coverage.branches`] = b;
    return { annotations, warnings: [] };
  },
  project(bytes: Uint8Array): unknown {
    return { coverage: parse(bytes, "cobertura report") };
  },
} as const satisfies MaterialKind;
