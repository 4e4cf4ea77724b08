import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, Problems, projectJson, result, setAnn, str } from "./json-doc.ts";
import { headObject, isRecord } from "./json-sniff.ts";

const A = `${ANN}.scorecard`;

/** An OpenSSF Scorecard result (`scorecard --format json`). */
export const scorecardKind = {
  kind: "OSSF_SCORECARD_JSON",
  summary: "OpenSSF Scorecard result (JSON)",
  validates:
    "A JSON object with scorecard.version, following the Scorecard v2 JSON format: date, repo.name, an aggregate score " +
    "and checks (name, score, reason). --no-strict-validation records format problems as warnings (a report without a " +
    "score is then accepted, without a score annotation).",
  annotations: [`${ANN}.tool.name`, `${ANN}.tool.version`, `${A}.score`, `${A}.repo`, `${A}.checks`, `${ANN}.validation.warnings`],
  input: "file",
  autoDetect: true,
  example: "--value scorecard.json",
  sniff(sample: Sample): boolean {
    const doc = headObject(sample);
    const sc = doc?.["scorecard"];
    return isRecord(sc) && typeof sc["version"] === "string" && isRecord(doc?.["repo"]);
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { value: doc, warnings } = parseJsonObject(bytes, ctx, "a Scorecard result");
    const sc = isRecord(doc["scorecard"]) ? doc["scorecard"] : undefined;
    const version = str(sc?.["version"]);
    if (version === undefined) throw invalid(ctx, "not an OpenSSF Scorecard result: scorecard.version is missing");
    const problems = new Problems(ctx);
    if (str(doc["date"]) === undefined) problems.add("date is missing");
    const repo = isRecord(doc["repo"]) ? doc["repo"] : undefined;
    if (str(repo?.["name"]) === undefined) problems.add("repo.name is missing");
    const score = doc["score"];
    if (typeof score !== "number") problems.add("score (the aggregate score) is missing");
    const checks = doc["checks"];
    if (!Array.isArray(checks)) problems.add("checks must be a list");
    else {
      checks.forEach((c, i) => {
        if (!isRecord(c) || str(c["name"]) === undefined || typeof c["score"] !== "number" || typeof c["reason"] !== "string") {
          problems.add(`checks[${i}] needs name, score and reason`);
        }
      });
    }
    const out = result(warnings);
    problems.settle(out);
    const ann = out.annotations;
    ann[`${ANN}.tool.name`] = "scorecard";
    ann[`${ANN}.tool.version`] = version;
    setAnn(ann, `${A}.score`, score);
    setAnn(ann, `${A}.repo`, str(repo?.["name"]));
    ann[`${A}.checks`] = String(Array.isArray(checks) ? checks.length : 0);
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;
