import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, projectJson, result, str } from "./json-doc.ts";
import { hasKeys, headObject, isRecord } from "./json-sniff.ts";

/** Checkmarx engine names mapped to scan types shared with other kinds; unknown engines are left out. */
const SCAN_TYPES: Record<string, string> = { sast: "sast", sca: "sca", kics: "iac", containers: "container", sscs: "supply-chain" };

/** The Checkmarx One native JSON report (`cx scan create --report-format json`). */
export const checkmarxKind = {
  kind: "CHECKMARX_JSON",
  summary: "Checkmarx One native scan report (JSON)",
  validates:
    "A JSON object with a scanID and a results key (a list, or null for a clean scan) whose entries each carry a type " +
    "and data. Not auto-detected (generic JSON shape, as in Chainloop): use --kind CHECKMARX_JSON.",
  annotations: [`${ANN}.tool.name`, `${ANN}.scan.types`, `${ANN}.findings.count`],
  input: "file",
  autoDetect: false,
  example: "--value cx-results.json",
  sniff(sample: Sample): boolean {
    const doc = headObject(sample);
    return typeof doc?.["scanID"] === "string" && hasKeys(doc, "results");
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { value: doc, warnings } = parseJsonObject(bytes, ctx, "a Checkmarx report");
    if (str(doc["scanID"]) === undefined || !Object.hasOwn(doc, "results")) {
      throw invalid(ctx, "not a Checkmarx report: scanID and results are required");
    }
    const results = doc["results"] ?? [];
    if (!Array.isArray(results)) throw invalid(ctx, "results must be a list (or null)");
    const types = new Set<string>();
    results.forEach((r, i) => {
      if (!isRecord(r) || str(r["type"]) === undefined || r["data"] === undefined || r["data"] === null) {
        throw invalid(ctx, `result ${i} is missing type or data`);
      }
      const t = SCAN_TYPES[(r["type"] as string).toLowerCase()];
      if (t) types.add(t);
    });
    const out = result(warnings);
    out.annotations[`${ANN}.tool.name`] = "checkmarx";
    out.annotations[`${ANN}.findings.count`] = String(results.length);
    if (types.size > 0) out.annotations[`${ANN}.scan.types`] = [...types].sort().join(",");
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;
