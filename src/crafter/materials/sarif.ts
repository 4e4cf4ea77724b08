import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, Problems, projectJson, result, setTools, str, type Tool } from "./json-doc.ts";
import { hasKeys, headObject, isRecord } from "./json-sniff.ts";

const A = `${ANN}.sarif`;
const LEVELS = ["error", "warning", "note", "none"] as const;
type Level = (typeof LEVELS)[number];

/** SARIF 2.1.0 static-analysis results (CodeQL, Semgrep, tfsec, Checkmarx, SonarQube…). */
export const sarifKind = {
  kind: "SARIF",
  summary: "SARIF 2.1.0 static analysis report",
  validates:
    'A JSON object with version "2.1.0" and a runs list; every run names its tool (tool.driver.name) and every result ' +
    "level is none, note, warning or error. Levels left out are resolved as SARIF says (rule default, else warning). " +
    "--no-strict-validation records run/result problems as warnings.",
  annotations: [
    `${ANN}.tools`,
    `${ANN}.tool.name`,
    `${ANN}.tool.version`,
    `${A}.run_count`,
    `${A}.rule_count`,
    `${A}.result_count`,
    ...LEVELS.map((l) => `${A}.results.${l}`),
    `${ANN}.validation.warnings`,
  ],
  input: "file",
  autoDetect: true,
  explodesArchives: true,
  example: "--value results.sarif",
  sniff(sample: Sample): boolean {
    const doc = headObject(sample);
    const schema = doc?.["$schema"];
    if (typeof schema === "string" && /sarif/i.test(schema)) return true;
    return doc?.["version"] === "2.1.0" && hasKeys(doc, "runs");
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { value: doc, warnings } = parseJsonObject(bytes, ctx, "a SARIF log");
    if (doc["version"] !== "2.1.0") {
      throw invalid(ctx, `SARIF version ${JSON.stringify(doc["version"])} is not supported (2.1.0)`, { hint: "export the report as SARIF 2.1.0" });
    }
    const runs = doc["runs"];
    if (!Array.isArray(runs)) throw invalid(ctx, "runs must be a list");
    const problems = new Problems(ctx);
    const tools: Tool[] = [];
    const counts = new Map<Level, number>(LEVELS.map((l) => [l, 0]));
    let rules = 0;
    runs.forEach((run, i) => {
      if (!isRecord(run)) return problems.add(`runs[${i}] is not an object`);
      const driver = isRecord(run["tool"]) && isRecord(run["tool"]["driver"]) ? run["tool"]["driver"] : undefined;
      const name = str(driver?.["name"]);
      if (name === undefined) problems.add(`runs[${i}].tool.driver.name is missing`);
      else tools.push({ name, version: str(driver?.["semanticVersion"]) ?? str(driver?.["version"]) });
      const ruleList = Array.isArray(driver?.["rules"]) ? (driver["rules"] as unknown[]) : [];
      rules += ruleList.length;
      const results = run["results"];
      if (results === undefined || results === null) return;
      if (!Array.isArray(results)) return problems.add(`runs[${i}].results must be a list`);
      results.forEach((r, j) => {
        const level = resultLevel(r, ruleList);
        if (level === undefined) problems.add(`runs[${i}].results[${j}] has an invalid level (${LEVELS.join(", ")})`);
        else counts.set(level, (counts.get(level) ?? 0) + 1);
      });
    });
    const out = result(warnings);
    problems.settle(out);
    const ann = out.annotations;
    setTools(ann, tools);
    ann[`${A}.run_count`] = String(runs.length);
    ann[`${A}.rule_count`] = String(rules);
    ann[`${A}.result_count`] = String([...counts.values()].reduce((a, b) => a + b, 0));
    for (const [l, n] of counts) ann[`${A}.results.${l}`] = String(n);
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;

/** SARIF §3.27.10: explicit level, else "none" for non-failure kinds, else the rule's default, else "warning". */
function resultLevel(r: unknown, rules: unknown[]): Level | undefined {
  if (!isRecord(r)) return undefined;
  const level = r["level"];
  if (level !== undefined) return LEVELS.includes(level as Level) ? (level as Level) : undefined;
  if (r["kind"] !== undefined && r["kind"] !== "fail") return "none";
  const idx = typeof r["ruleIndex"] === "number" ? r["ruleIndex"] : rules.findIndex((x) => isRecord(x) && x["id"] === r["ruleId"]);
  const rule = rules[idx];
  const def = isRecord(rule) && isRecord(rule["defaultConfiguration"]) ? rule["defaultConfiguration"]["level"] : undefined;
  return LEVELS.includes(def as Level) ? (def as Level) : "warning";
}
