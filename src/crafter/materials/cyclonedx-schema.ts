import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
// The CycloneDX library's bundled schemas, embedded by the bundler (nothing is read at runtime).
import bom12 from "../../../node_modules/@cyclonedx/cyclonedx-library/res/schema/bom-1.2.SNAPSHOT.schema.json" with { type: "json" };
import bom13 from "../../../node_modules/@cyclonedx/cyclonedx-library/res/schema/bom-1.3.SNAPSHOT.schema.json" with { type: "json" };
import bom14 from "../../../node_modules/@cyclonedx/cyclonedx-library/res/schema/bom-1.4.SNAPSHOT.schema.json" with { type: "json" };
import bom15 from "../../../node_modules/@cyclonedx/cyclonedx-library/res/schema/bom-1.5.SNAPSHOT.schema.json" with { type: "json" };
import bom16 from "../../../node_modules/@cyclonedx/cyclonedx-library/res/schema/bom-1.6.SNAPSHOT.schema.json" with { type: "json" };
import bom17 from "../../../node_modules/@cyclonedx/cyclonedx-library/res/schema/bom-1.7.SNAPSHOT.schema.json" with { type: "json" };
import spdx from "../../../node_modules/@cyclonedx/cyclonedx-library/res/schema/spdx.SNAPSHOT.schema.json" with { type: "json" };
import jsf from "../../../node_modules/@cyclonedx/cyclonedx-library/res/schema/jsf-0.82.SNAPSHOT.schema.json" with { type: "json" };
import cryptoDefs from "../../../node_modules/@cyclonedx/cyclonedx-library/res/schema/cryptography-defs.SNAPSHOT.schema.json" with { type: "json" };

const BOM_SCHEMAS: Record<string, object> = { "1.2": bom12, "1.3": bom13, "1.4": bom14, "1.5": bom15, "1.6": bom16, "1.7": bom17 };

/** CycloneDX spec versions with a JSON schema (1.0/1.1 were XML-only). */
export const CYCLONEDX_VERSIONS = Object.keys(BOM_SCHEMAS);

/** The library renamed the $refs to `*.SNAPSHOT.schema.json`; register the helpers under those names. */
const HELPERS: [object, string][] = [
  [spdx, "spdx.SNAPSHOT.schema.json"],
  [jsf, "jsf-0.82.SNAPSHOT.schema.json"],
  [cryptoDefs, "cryptography-defs.SNAPSHOT.schema.json"],
];

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * The validator for one spec version, compiled on first use and cached: compiling the 1.6 schema
 * costs a few hundred milliseconds, which only SBOM validation should pay, once per process.
 */
export function cyclonedxValidator(version: string): ValidateFunction | undefined {
  const schema = BOM_SCHEMAS[version];
  if (schema === undefined) return undefined;
  let fn = compiled.get(version);
  if (fn === undefined) {
    fn = instance().compile(tolerant(schema));
    compiled.set(version, fn);
  }
  return fn;
}

function instance(): Ajv {
  if (ajv !== undefined) return ajv;
  ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  // IRIs and internationalised e-mails: accepted as written (ajv-formats has no checker for them).
  ajv.addFormat("iri-reference", true);
  ajv.addFormat("idn-email", true);
  ajv.addKeyword({ keyword: "cairnUniqueItems", type: "array", schemaType: "boolean", errors: true, validate: uniqueItems });
  for (const [schema, name] of HELPERS) ajv.addSchema({ ...schema, $id: `http://cyclonedx.org/schema/${name}` });
  return ajv;
}

/**
 * A copy of the schema with Chainloop's tolerance and without ajv's quadratic uniqueItems:
 * - `components` may repeat items (JFrog Xray emits duplicates; Chainloop accepts them);
 * - every other `uniqueItems` is checked by `cairnUniqueItems`, a hash-based O(n) equivalent
 *   (ajv compares object items pairwise: 8,000 dependencies took ~3 s).
 */
function tolerant(schema: object): SchemaObject {
  const copy = structuredClone(schema) as SchemaObject;
  const walk = (node: unknown, key: string | undefined, parentKey: string | undefined): void => {
    if (typeof node !== "object" || node === null) return;
    if (Array.isArray(node)) return node.forEach((n) => walk(n, undefined, undefined));
    const obj = node as Record<string, unknown>;
    if (obj["uniqueItems"] === true) {
      delete obj["uniqueItems"];
      if (!(key === "components" && parentKey === "properties")) obj["cairnUniqueItems"] = true;
    }
    for (const [k, v] of Object.entries(obj)) walk(v, k, key);
  };
  walk(copy, undefined, undefined);
  return copy;
}

function uniqueItems(this: unknown, _schema: boolean, data: unknown[]): boolean {
  const seen = new Map<string, number>();
  for (let j = 0; j < data.length; j++) {
    const key = canonical(data[j]);
    const i = seen.get(key);
    if (i !== undefined) {
      (uniqueItems as { errors?: Partial<ErrorObject>[] }).errors = [
        { keyword: "uniqueItems", params: { i, j }, message: `must NOT have duplicate items (items ## ${i} and ${j} are identical)` },
      ];
      return false;
    }
    seen.set(key, j);
  }
  return true;
}

/** JSON with sorted keys, so equal values written in a different key order compare equal. */
function canonical(v: unknown): string {
  if (typeof v !== "object" || v === null) return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(",")}}`;
}

/** One line per ajv error, e.g. `/components/3/type must be equal to one of the allowed values (library, …)`. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined, max = 20): string[] {
  const all = errors ?? [];
  const lines = all.slice(0, max).map((e) => {
    const at = e.instancePath === "" ? "document" : e.instancePath;
    const p = e.params as Record<string, unknown>;
    let extra = "";
    if (e.keyword === "additionalProperties") extra = `: ${String(p["additionalProperty"])}`;
    else if (e.keyword === "enum" && Array.isArray(p["allowedValues"])) extra = ` (${p["allowedValues"].slice(0, 8).join(", ")})`;
    return `${at} ${e.message ?? e.keyword}${extra}`;
  });
  if (all.length > max) lines.push(`${all.length - max} more schema errors not shown`);
  return lines;
}
