import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, Problems, projectJson, result, setAnn, str } from "./json-doc.ts";
import { headObject, isRecord } from "./json-sniff.ts";

const A = `${ANN}.openvex`;
const STATUSES = ["not_affected", "affected", "fixed", "under_investigation"] as const;

/** OpenVEX document: statements about whether products are affected by vulnerabilities. */
export const openvexKind = {
  kind: "OPENVEX",
  summary: "OpenVEX document (vulnerability status statements)",
  validates:
    'A JSON object whose @context is an https://openvex.dev/ns URL, with a non-empty @id, author, timestamp, version and ' +
    "statements; each statement names a vulnerability and a status (not_affected needs a justification or impact_statement, " +
    "affected needs an action_statement). --no-strict-validation records field problems as warnings.",
  annotations: [`${A}.id`, `${A}.author`, `${A}.version`, `${A}.statement_count`, ...STATUSES.map((s) => `${A}.status.${s}`), `${ANN}.tool.name`, `${ANN}.validation.warnings`],
  input: "file",
  autoDetect: true,
  example: "--value vex.openvex.json",
  sniff(sample: Sample): boolean {
    const ctxUrl = headObject(sample)?.["@context"];
    return typeof ctxUrl === "string" && ctxUrl.startsWith("https://openvex.dev/ns");
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const { value: doc, warnings } = parseJsonObject(bytes, ctx, "an OpenVEX document");
    const context = doc["@context"];
    if (typeof context !== "string" || !context.startsWith("https://openvex.dev/ns")) {
      throw invalid(ctx, `@context ${JSON.stringify(context)} is not an OpenVEX context (https://openvex.dev/ns/…)`);
    }
    const problems = new Problems(ctx);
    for (const f of ["@id", "author", "timestamp"]) if (str(doc[f]) === undefined) problems.add(`${f} is missing`);
    if (doc["version"] === undefined) problems.add("version is missing");
    const statements = doc["statements"];
    const counts = new Map<string, number>(STATUSES.map((s) => [s, 0]));
    if (!Array.isArray(statements)) problems.add("statements must be a list");
    else statements.forEach((s, i) => checkStatement(s, i, problems, counts));
    const out = result(warnings);
    problems.settle(out);
    const ann = out.annotations;
    setAnn(ann, `${A}.id`, str(doc["@id"]));
    setAnn(ann, `${A}.author`, str(doc["author"]));
    setAnn(ann, `${A}.version`, typeof doc["version"] === "number" ? doc["version"] : str(doc["version"]));
    ann[`${A}.statement_count`] = String(Array.isArray(statements) ? statements.length : 0);
    for (const [s, n] of counts) ann[`${A}.status.${s}`] = String(n);
    setAnn(ann, `${ANN}.tool.name`, str(doc["tooling"]));
    return out;
  },
  project: projectJson,
} as const satisfies MaterialKind;

function checkStatement(s: unknown, i: number, problems: Problems, counts: Map<string, number>): void {
  const at = `statements[${i}]`;
  if (!isRecord(s)) return problems.add(`${at} is not an object`);
  const v = s["vulnerability"];
  // v0.2 uses {name | @id}; earlier drafts used a plain string.
  if (!(str(v) || (isRecord(v) && (str(v["name"]) || str(v["@id"]))))) problems.add(`${at}.vulnerability is missing`);
  const status = s["status"];
  if (typeof status !== "string" || !counts.has(status)) return problems.add(`${at}.status must be one of ${STATUSES.join(", ")}`);
  counts.set(status, (counts.get(status) ?? 0) + 1);
  if (status === "not_affected" && !str(s["justification"]) && !str(s["impact_statement"])) {
    problems.add(`${at} is not_affected without a justification or impact_statement`);
  }
  if (status === "affected" && !str(s["action_statement"])) problems.add(`${at} is affected without an action_statement`);
}
