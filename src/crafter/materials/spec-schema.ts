import type { ErrorObject, Options, ValidateFunction } from "ajv";
import { CairnError } from "../../errors.ts";
import type { ValidateContext } from "./kind.ts";

/**
 * JSON-schema validation for the API description kinds. Validators are compiled lazily, once per
 * schema (compiling the AsyncAPI 3 schema takes a few hundred ms), and schemas are loaded through
 * dynamic `import()` of bundled JSON (Ajv too) so a CLI run that never validates a spec pays
 * nothing at startup.
 */

export type Dialect = "draft-07" | "2020-12";

export interface SchemaSource {
  /** Cache key, e.g. "openapi-3.1". */
  key: string;
  dialect: Dialect;
  /** The main schema, plus schemas it references by URI. */
  load(): Promise<{ schema: object; refs?: object[] }>;
}

const compiled = new Map<string, ValidateFunction>();

async function validator(src: SchemaSource): Promise<ValidateFunction> {
  const hit = compiled.get(src.key);
  if (hit) return hit;
  const { schema, refs = [] } = await src.load();
  // strict: false because published schemas use keywords Ajv's strict mode rejects (e.g. "example");
  // "media-range" (OAS 3.1) is a format with no checker in ajv-formats. The schemas are pinned and
  // tested, so skipping their meta-validation and code optimisation roughly halves compile time.
  const opts: Options = {
    strict: false,
    logger: false,
    validateSchema: false,
    code: { optimize: false },
    formats: { "media-range": true },
  };
  // Ajv itself is loaded here too: the registry imports this module on every `att add`, few validate a spec.
  const [{ default: Ajv }, { default: Ajv2020 }, { default: addFormats }] = await Promise.all([import("ajv"), import("ajv/dist/2020"), import("ajv-formats")]);
  const ajv = src.dialect === "2020-12" ? new Ajv2020(opts) : new Ajv(opts);
  addFormats(ajv);
  for (const r of refs) ajv.addSchema(r);
  const fn = ajv.compile(schema);
  compiled.set(src.key, fn);
  return fn;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === "" ? "/" : e.instancePath;
  const extra = e.keyword === "additionalProperties" ? ` '${String(e.params["additionalProperty"])}'` : "";
  return `${where} ${e.message ?? "is invalid"}${extra}`;
}

/** Problems found by the schema (empty when valid). */
export async function schemaErrors(src: SchemaSource, doc: unknown, fileName: string): Promise<string[]> {
  const fn = await validator(src);
  try {
    return fn(doc) ? [] : (fn.errors ?? []).slice(0, 3).map(describe);
  } catch (e) {
    if (e instanceof RangeError) throw new CairnError("MATERIAL_INVALID", `${fileName}: is nested too deeply to validate`);
    throw e;
  }
}

/**
 * Strict mode: schema problems are a MATERIAL_INVALID error. --no-strict-validation: they come
 * back as warnings for the caller to record.
 */
export function schemaOutcome(problems: string[], ctx: ValidateContext, what: string): string[] {
  if (problems.length === 0) return [];
  const summary = `does not match the ${what} schema: ${problems.join("; ")}`;
  if (!ctx.strict) return [summary];
  throw new CairnError("MATERIAL_INVALID", `${ctx.fileName}: ${summary}`, {
    hint: "Fix the document, or pass --no-strict-validation to record schema failures as warnings.",
    details: { problems },
  });
}
