import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, Problems, projectJson, result, setAnn, setTools, str, type Tool } from "./json-doc.ts";
import { hasKeys, headObject, isRecord } from "./json-sniff.ts";

const SCAN_TYPES = [
  "sast",
  "dast",
  "api_fuzzing",
  "coverage_fuzzing",
  "secret_detection",
  "dependency_scanning",
  "container_scanning",
  "container_scanning_for_registry",
  "cluster_image_scanning",
];

/** A GitLab security report (gl-*-report.json) from any GitLab security analyzer. */
export const gitlabKind = {
  kind: "GITLAB_SECURITY_REPORT",
  summary: "GitLab security report (SAST, DAST, secrets, dependency or container scanning)",
  validates:
    `A JSON object whose scan.type is one of ${SCAN_TYPES.join(", ")}, with a schema version and a vulnerabilities ` +
    "list whose entries carry identifiers and a location. --no-strict-validation records field problems as warnings.",
  annotations: [`${ANN}.scan.type`, `${ANN}.scan.status`, `${ANN}.findings.count`, `${ANN}.gitlab.schema_version`, `${ANN}.tools`, `${ANN}.tool.name`, `${ANN}.tool.version`],
  input: "file",
  autoDetect: true,
  example: "--value gl-sast-report.json",
  sniff(sample: Sample): boolean {
    const doc = headObject(sample);
    if (doc === undefined) return false;
    const scan = doc["scan"];
    if (isRecord(scan) && SCAN_TYPES.includes(String(scan["type"]))) return true;
    // `scan` usually comes last and may lie beyond the head: recognise GitLab's vulnerability shape instead.
    const first = Array.isArray(doc["vulnerabilities"]) ? doc["vulnerabilities"][0] : undefined;
    return isRecord(first) && hasKeys(first, "identifiers", "location") && !hasKeys(doc, "bomFormat");
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { value: doc, warnings } = parseJsonObject(bytes, ctx, "a GitLab security report");
    const scan = isRecord(doc["scan"]) ? doc["scan"] : undefined;
    const type = scan?.["type"];
    if (typeof type !== "string" || !SCAN_TYPES.includes(type)) {
      throw invalid(ctx, `scan.type ${JSON.stringify(type)} is not a GitLab security scan type`, { details: { allowed: SCAN_TYPES } });
    }
    const problems = new Problems(ctx);
    if (str(doc["version"]) === undefined) problems.add("version (the report schema version) is missing");
    const vulns = doc["vulnerabilities"];
    if (!Array.isArray(vulns)) problems.add("vulnerabilities must be a list");
    else {
      vulns.forEach((v, i) => {
        if (!isRecord(v)) return problems.add(`vulnerabilities[${i}] is not an object`);
        if (!Array.isArray(v["identifiers"])) problems.add(`vulnerabilities[${i}].identifiers is missing`);
        if (!isRecord(v["location"])) problems.add(`vulnerabilities[${i}].location is missing`);
      });
    }
    const out = result(warnings);
    problems.settle(out);
    const ann = out.annotations;
    ann[`${ANN}.scan.type`] = type;
    setAnn(ann, `${ANN}.scan.status`, str(scan?.["status"]));
    ann[`${ANN}.findings.count`] = String(Array.isArray(vulns) ? vulns.length : 0);
    setAnn(ann, `${ANN}.gitlab.schema_version`, str(doc["version"]));
    const tools: Tool[] = [];
    for (const k of ["scanner", "analyzer"]) {
      const t = scan?.[k];
      if (isRecord(t) && str(t["name"])) tools.push({ name: t["name"] as string, version: str(t["version"]) });
    }
    setTools(ann, tools);
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;
