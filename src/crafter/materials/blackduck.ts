import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, projectJson, result, setAnn, str } from "./json-doc.ts";
import { headObject, isRecord } from "./json-sniff.ts";

const REQUIRED = ["detailedCodeLocations", "detailedProjectVersionCustomFields", "detailedVulnerabilities"];
/** Top-level sections of a Black Duck project-version report; any of them identifies one. */
const SECTIONS = [...REQUIRED, "detailedLicenseConflicts", "detailedUpgradeGuidance", "detailedVulnerabilityMatches", "aggregateBomViewEntries", "detailedFileBomViewEntries"];

/** A Black Duck SCA project-version report in JSON. */
export const blackduckKind = {
  kind: "BLACKDUCK_SCA_JSON",
  summary: "Black Duck SCA report (JSON)",
  validates: `A JSON object with the ${REQUIRED.join(", ")} lists.`,
  annotations: [`${ANN}.tool.name`, `${ANN}.findings.count`, `${ANN}.blackduck.project`, `${ANN}.blackduck.project_version`],
  input: "file",
  autoDetect: true,
  example: "--value blackduck-report.json",
  sniff(sample: Sample): boolean {
    const doc = headObject(sample);
    return doc !== undefined && SECTIONS.some((k) => Array.isArray(doc[k]));
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { value: doc, warnings } = parseJsonObject(bytes, ctx, "a Black Duck report");
    const missing = REQUIRED.filter((k) => !Array.isArray(doc[k]));
    if (missing.length > 0) throw invalid(ctx, `not a Black Duck SCA report: ${missing.join(", ")} missing`, { details: { missing } });
    const vulns = doc["detailedVulnerabilities"] as unknown[];
    const out = result(warnings);
    out.annotations[`${ANN}.tool.name`] = "blackduck";
    out.annotations[`${ANN}.findings.count`] = String(vulns.length);
    const summary = vulns.map((v) => (isRecord(v) ? v["projectVersionPathSummary"] : undefined)).find(isRecord);
    setAnn(out.annotations, `${ANN}.blackduck.project`, str(summary?.["projectName"]));
    setAnn(out.annotations, `${ANN}.blackduck.project_version`, str(summary?.["versionName"]));
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;
