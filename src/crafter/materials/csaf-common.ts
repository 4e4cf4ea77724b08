import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { invalid, parseJsonObject, Problems, projectJson, result, setAnn, setTools, str } from "./json-doc.ts";
import { headObject, isRecord } from "./json-sniff.ts";

/**
 * The four CSAF 2.0/2.1 profiles share one reader; a kind is its category. Checks are the CSAF
 * required fields plus each profile's own rules (CSAF 2.0 §4), written by hand: no CSAF schema ships
 * with our dependencies.
 */

const A = `${ANN}.csaf`;

/** CSAF document.category of each kind. */
export const CSAF_CATEGORIES = {
  CSAF_VEX: "csaf_vex",
  CSAF_INFORMATIONAL_ADVISORY: "csaf_informational_advisory",
  CSAF_SECURITY_ADVISORY: "csaf_security_advisory",
  CSAF_SECURITY_INCIDENT_RESPONSE: "csaf_security_incident_response",
} as const;

type CsafKindName = keyof typeof CSAF_CATEGORIES;

const KIND_OF_CATEGORY = new Map<string, string>(Object.entries(CSAF_CATEGORIES).map(([k, c]) => [c, k]));

/** Annotation keys shared by the four CSAF kinds. */
export const CSAF_ANNOTATIONS = [
  `${A}.category`,
  `${A}.version`,
  `${A}.tracking_id`,
  `${A}.tracking_version`,
  `${A}.publisher`,
  `${A}.vulnerability_count`,
  `${ANN}.tools`,
  `${ANN}.tool.name`,
  `${ANN}.tool.version`,
  `${ANN}.validation.warnings`,
] as const;

/** The parts every CSAF kind shares; each kind file adds its name, texts and example. */
export function csafBehaviour(kind: CsafKindName) {
  const category = CSAF_CATEGORIES[kind];
  return {
    validates:
      `A CSAF 2.0/2.1 JSON document whose document.category is exactly "${category}", with the required document ` +
      "fields (csaf_version, title, publisher, tracking with id, status, version, dates and revision_history) and the " +
      `"${category}" profile rules. --no-strict-validation records missing fields as warnings; the category is always enforced.`,
    annotations: CSAF_ANNOTATIONS,
    input: "file",
    autoDetect: true,
    sniff(sample: Sample): boolean {
      const doc = headObject(sample)?.["document"];
      return isRecord(doc) && doc["category"] === category;
    },
    validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
      return validateCsaf(bytes, ctx, kind);
    },
    project: projectJson,
  } as const satisfies Omit<MaterialKind, "kind" | "summary" | "example">;
}

function validateCsaf(bytes: Uint8Array, ctx: ValidateContext, kind: CsafKindName): Validated {
  const category = CSAF_CATEGORIES[kind];
  const { value: root, warnings } = parseJsonObject(bytes, ctx, "a CSAF document");
  const doc = root["document"];
  if (!isRecord(doc)) throw invalid(ctx, "not a CSAF document: the top-level document object is missing");
  const got = doc["category"];
  if (got !== category) {
    const other = typeof got === "string" ? KIND_OF_CATEGORY.get(got) : undefined;
    throw invalid(ctx, `document.category is ${JSON.stringify(got)}, but ${kind} requires "${category}"`, {
      hint: other ? `this is a ${got} document: use --kind ${other}` : `set document.category to "${category}" or pick the matching kind`,
      details: { expected: category, actual: got },
    });
  }
  const version = str(doc["csaf_version"]);
  if (version !== "2.0" && version !== "2.1") throw invalid(ctx, `document.csaf_version ${JSON.stringify(doc["csaf_version"])} is not 2.0 or 2.1`);
  const problems = new Problems(ctx);
  requireFields(doc, problems);
  profileRules(root, doc, kind, problems);
  const out = result(warnings);
  problems.settle(out);
  const ann = out.annotations;
  ann[`${A}.category`] = category;
  ann[`${A}.version`] = version;
  const tracking = isRecord(doc["tracking"]) ? doc["tracking"] : {};
  setAnn(ann, `${A}.tracking_id`, str(tracking["id"]));
  setAnn(ann, `${A}.tracking_version`, str(tracking["version"]));
  setAnn(ann, `${A}.publisher`, isRecord(doc["publisher"]) ? str(doc["publisher"]["name"]) : undefined);
  ann[`${A}.vulnerability_count`] = String(Array.isArray(root["vulnerabilities"]) ? root["vulnerabilities"].length : 0);
  const engine = isRecord(tracking["generator"]) && isRecord(tracking["generator"]["engine"]) ? tracking["generator"]["engine"] : undefined;
  if (engine) setTools(ann, [{ name: str(engine["name"]) ?? "", version: str(engine["version"]) }]);
  return out;
}

function requireFields(doc: Record<string, unknown>, problems: Problems): void {
  if (str(doc["title"]) === undefined) problems.add("document.title is missing");
  const pub = doc["publisher"];
  if (!isRecord(pub)) problems.add("document.publisher is missing");
  else for (const f of ["category", "name", "namespace"]) if (str(pub[f]) === undefined) problems.add(`document.publisher.${f} is missing`);
  const tr = doc["tracking"];
  if (!isRecord(tr)) return problems.add("document.tracking is missing");
  for (const f of ["id", "version", "current_release_date", "initial_release_date"]) {
    if (str(tr[f]) === undefined) problems.add(`document.tracking.${f} is missing`);
  }
  if (!["draft", "final", "interim"].includes(String(tr["status"]))) problems.add("document.tracking.status must be draft, final or interim");
  const history = tr["revision_history"];
  if (!Array.isArray(history) || history.length === 0) problems.add("document.tracking.revision_history must list at least one revision");
  else if (!history.every((r) => isRecord(r) && str(r["date"]) && str(r["number"]) && str(r["summary"]))) {
    problems.add("document.tracking.revision_history entries need date, number and summary");
  }
}

/** CSAF 2.0 §4.2–§4.5: what each profile adds to the base. */
function profileRules(root: Record<string, unknown>, doc: Record<string, unknown>, kind: CsafKindName, problems: Problems): void {
  const vulns = root["vulnerabilities"];
  const hasVulns = Array.isArray(vulns) && vulns.length > 0;
  const notes = Array.isArray(doc["notes"]) ? doc["notes"] : [];
  const refs = Array.isArray(doc["references"]) ? doc["references"] : [];
  const noteOf = (cats: string[]) => notes.some((n) => isRecord(n) && cats.includes(String(n["category"])));
  if (kind === "CSAF_INFORMATIONAL_ADVISORY" && Array.isArray(vulns)) problems.add("an informational advisory must not contain vulnerabilities");
  if (kind === "CSAF_INFORMATIONAL_ADVISORY" || kind === "CSAF_SECURITY_INCIDENT_RESPONSE") {
    if (!noteOf(["description", "details", "general", "summary"])) problems.add("document.notes needs a description, details, general or summary note");
    if (!refs.some((r) => isRecord(r) && r["category"] === "external")) problems.add("document.references needs an external reference");
  }
  if (kind === "CSAF_SECURITY_ADVISORY" || kind === "CSAF_VEX") {
    if (!isRecord(root["product_tree"])) problems.add("product_tree is missing");
    if (!hasVulns) problems.add("vulnerabilities must list at least one vulnerability");
  }
  if (kind === "CSAF_VEX" && hasVulns) {
    vulns.forEach((v, i) => {
      if (!isRecord(v)) return problems.add(`vulnerabilities[${i}] is not an object`);
      if (v["cve"] === undefined && v["ids"] === undefined) problems.add(`vulnerabilities[${i}] needs cve or ids`);
      if (!isRecord(v["product_status"])) problems.add(`vulnerabilities[${i}].product_status is missing`);
    });
  }
}
