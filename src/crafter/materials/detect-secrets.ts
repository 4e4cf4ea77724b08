import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, projectJson, result, setAnn, str } from "./json-doc.ts";
import { headObject, isRecord } from "./json-sniff.ts";

/** A Yelp detect-secrets baseline (`.secrets.baseline`). */
export const detectSecretsKind = {
  kind: "YELP_DETECT_SECRETS_BASELINE",
  summary: "Yelp detect-secrets baseline file",
  validates: "A JSON object with a version, a plugins_used list and a results map of file → findings (an empty map is a clean scan).",
  annotations: [`${ANN}.tool.name`, `${ANN}.tool.version`, `${ANN}.findings.count`, `${ANN}.findings.files`],
  input: "file",
  autoDetect: true,
  example: "--value .secrets.baseline",
  sniff(sample: Sample): boolean {
    const doc = headObject(sample);
    return typeof doc?.["version"] === "string" && Array.isArray(doc["plugins_used"]);
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { value: doc, warnings } = parseJsonObject(bytes, ctx, "a detect-secrets baseline");
    const results = doc["results"];
    if (str(doc["version"]) === undefined || !Array.isArray(doc["plugins_used"]) || !isRecord(results)) {
      throw invalid(ctx, "a detect-secrets baseline needs version, plugins_used and results");
    }
    let count = 0;
    for (const [file, list] of Object.entries(results)) {
      if (!Array.isArray(list)) throw invalid(ctx, `results[${JSON.stringify(file)}] must be a list of findings`);
      count += list.length;
    }
    const out = result(warnings);
    out.annotations[`${ANN}.tool.name`] = "detect-secrets";
    setAnn(out.annotations, `${ANN}.tool.version`, str(doc["version"]));
    out.annotations[`${ANN}.findings.count`] = String(count);
    out.annotations[`${ANN}.findings.files`] = String(Object.keys(results).length);
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;
