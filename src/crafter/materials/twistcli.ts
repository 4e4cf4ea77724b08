import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, projectJson, result, setAnn, str } from "./json-doc.ts";
import { hasKeys, headObject, isRecord } from "./json-sniff.ts";

/** A Prisma Cloud `twistcli images scan --output-file` report. */
export const twistcliKind = {
  kind: "TWISTCLI_SCAN_JSON",
  summary: "Prisma Cloud twistcli image scan report (JSON)",
  validates: "A JSON object with a results list and a non-empty consoleURL.",
  annotations: [`${ANN}.tool.name`, `${ANN}.findings.count`, `${ANN}.scan.target`],
  input: "file",
  autoDetect: true,
  example: "--value twistcli-scan.json",
  sniff(sample: Sample): boolean {
    const doc = headObject(sample);
    if (typeof doc?.["consoleURL"] === "string") return true;
    // consoleURL is written last; a long report may push it beyond the head.
    const first = Array.isArray(doc?.["results"]) ? (doc["results"] as unknown[])[0] : undefined;
    return isRecord(first) && (hasKeys(first, "vulnerabilityDistribution") || hasKeys(first, "complianceDistribution"));
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { value: doc, warnings } = parseJsonObject(bytes, ctx, "a twistcli scan report");
    const results = doc["results"];
    if (!Array.isArray(results) || str(doc["consoleURL"]) === undefined) {
      throw invalid(ctx, "not a twistcli scan report: results and consoleURL are required");
    }
    let findings = 0;
    for (const r of results) {
      if (!isRecord(r)) throw invalid(ctx, "results entries must be objects");
      const dist = r["vulnerabilityDistribution"];
      const total = isRecord(dist) ? dist["total"] : undefined;
      findings += typeof total === "number" ? total : Array.isArray(r["vulnerabilities"]) ? r["vulnerabilities"].length : 0;
    }
    const out = result(warnings);
    out.annotations[`${ANN}.tool.name`] = "twistcli";
    out.annotations[`${ANN}.findings.count`] = String(findings);
    setAnn(out.annotations, `${ANN}.scan.target`, isRecord(results[0]) ? str(results[0]["name"]) : undefined);
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;
