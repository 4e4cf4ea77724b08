import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { isCairnError } from "../../errors.ts";
import { invalid, parseJsonText, str } from "./json-doc.ts";
import { firstRecord, headJson, isRecord } from "./json-sniff.ts";

/** TruffleHog findings as JSON Lines (`trufflehog … --json`): one finding object per line. */
export const trufflehogKind = {
  kind: "TRUFFLEHOG_JSON",
  summary: "TruffleHog secret-scanning findings (JSON Lines)",
  validates:
    "JSON Lines where every non-empty line is a finding object with a DetectorName (a JSON array of findings is accepted " +
    "too). An empty file is a clean scan and is accepted. Not auto-detected: use --kind TRUFFLEHOG_JSON.",
  annotations: [`${ANN}.tool.name`, `${ANN}.findings.count`, `${ANN}.findings.verified`],
  input: "file",
  autoDetect: false,
  example: "--value trufflehog.jsonl",
  sniff(sample: Sample): boolean {
    const root = headJson(sample)?.root;
    const first = isRecord(root) ? root : firstRecord(sample);
    return first !== undefined && typeof first["DetectorName"] === "string" && "SourceMetadata" in first;
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { findings, warnings } = readFindings(bytes, ctx);
    const out: Validated = { annotations: {}, warnings };
    out.annotations[`${ANN}.tool.name`] = "trufflehog";
    out.annotations[`${ANN}.findings.count`] = String(findings.length);
    out.annotations[`${ANN}.findings.verified`] = String(findings.filter((f) => f["Verified"] === true).length);
    return out;
  },
  /** Policy input: the findings as {elements}; an empty scan is {elements: []}. */
  project(bytes: Uint8Array): unknown {
    return { elements: readFindings(bytes, { fileName: "material", strict: false }).findings };
  },
} as const satisfies MaterialKind;

function readFindings(bytes: Uint8Array, ctx: ValidateContext): { findings: Record<string, unknown>[]; warnings: string[] } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalid(ctx, "not UTF-8 text");
  }
  const warnings: string[] = [];
  const values: unknown[] = [];
  if (text.trimStart().startsWith("[")) {
    const parsed = parseJsonText(text, ctx);
    if (!Array.isArray(parsed.value)) throw invalid(ctx, "expected a JSON array of findings");
    values.push(...parsed.value);
    warnings.push(...parsed.warnings);
  } else {
    text.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        const parsed = parseJsonText(line, ctx);
        values.push(parsed.value);
        warnings.push(...parsed.warnings);
      } catch (e) {
        const d = isCairnError(e) ? (e.details as { column?: number; reason?: string } | undefined) : undefined;
        throw invalid(ctx, `invalid JSON at line ${i + 1}, column ${d?.column ?? 1}: ${d?.reason ?? "not JSON"}`, { details: { line: i + 1, ...d } });
      }
    });
  }
  values.forEach((v, i) => {
    if (!isRecord(v) || str(v["DetectorName"]) === undefined) throw invalid(ctx, `finding ${i + 1} has no DetectorName: not a TruffleHog finding`);
  });
  return { findings: values as Record<string, unknown>[], warnings };
}
