import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonArray, projectJson, result, str } from "./json-doc.ts";
import { firstRecord, hasKeys, isEmptyArray, isRecord } from "./json-sniff.ts";

/** A gitleaks JSON report (`gitleaks detect --report-format json`). */
export const gitleaksKind = {
  kind: "GITLEAKS_JSON",
  summary: "gitleaks secret-scanning report (JSON)",
  validates: "A JSON array of gitleaks findings, each with a RuleID and a Fingerprint. An empty list is accepted (a clean scan).",
  annotations: [`${ANN}.tool.name`, `${ANN}.findings.count`],
  input: "file",
  autoDetect: true,
  example: "--value gitleaks-report.json",
  sniff(sample: Sample): boolean {
    if (hasKeys(firstRecord(sample), "Fingerprint", "RuleID")) return true;
    // `[]` is every tool's clean report: only the file name can say it is gitleaks'.
    return isEmptyArray(sample) && /gitleaks/i.test(sample.fileName);
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { value: findings, warnings } = parseJsonArray(bytes, ctx, "a gitleaks report");
    findings.forEach((f, i) => {
      if (!isRecord(f) || str(f["Fingerprint"]) === undefined || str(f["RuleID"]) === undefined) {
        throw invalid(ctx, `finding ${i} has no Fingerprint or RuleID: not a gitleaks report`);
      }
    });
    const out = result(warnings);
    out.annotations[`${ANN}.tool.name`] = "gitleaks";
    out.annotations[`${ANN}.findings.count`] = String(findings.length);
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;
