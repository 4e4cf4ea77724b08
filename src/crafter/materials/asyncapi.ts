import { CairnError } from "../../errors.ts";
import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";
import { parseSpecDocument, scalar, topLevelScalar } from "./spec-doc.ts";
import { schemaErrors, schemaOutcome, type SchemaSource } from "./spec-schema.ts";

type Loader = () => Promise<{ default: object }>;

/**
 * One official schema per AsyncAPI version, from @asyncapi/specs. The "-without-$id" variants
 * are used: every reference in them is local (#/definitions/…), whereas the $id variants embed a
 * second copy of the draft-07 meta-schema that collides with Ajv's own. The import specifiers
 * must stay literal so the bundler embeds each file; each loads only when a document needs it.
 */
const LOADERS: Record<string, Loader> = {
  "2.0.0": () => import("@asyncapi/specs/schemas/2.0.0-without-$id.json", { with: { type: "json" } }),
  "2.1.0": () => import("@asyncapi/specs/schemas/2.1.0-without-$id.json", { with: { type: "json" } }),
  "2.2.0": () => import("@asyncapi/specs/schemas/2.2.0-without-$id.json", { with: { type: "json" } }),
  "2.3.0": () => import("@asyncapi/specs/schemas/2.3.0-without-$id.json", { with: { type: "json" } }),
  "2.4.0": () => import("@asyncapi/specs/schemas/2.4.0-without-$id.json", { with: { type: "json" } }),
  "2.5.0": () => import("@asyncapi/specs/schemas/2.5.0-without-$id.json", { with: { type: "json" } }),
  "2.6.0": () => import("@asyncapi/specs/schemas/2.6.0-without-$id.json", { with: { type: "json" } }),
  "3.0.0": () => import("@asyncapi/specs/schemas/3.0.0-without-$id.json", { with: { type: "json" } }),
  "3.1.0": () => import("@asyncapi/specs/schemas/3.1.0-without-$id.json", { with: { type: "json" } }),
};

export const ASYNCAPI_VERSIONS: readonly string[] = Object.keys(LOADERS);

function source(version: string, fileName: string): SchemaSource {
  const load = LOADERS[version];
  if (load === undefined) {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: AsyncAPI version "${version}" is not supported`, {
      hint: `Supported versions: ${ASYNCAPI_VERSIONS.join(", ")}.`,
    });
  }
  return { key: `asyncapi-${version}`, dialect: "draft-07", load: async () => ({ schema: (await load()).default }) };
}

/** Protocol of the first server, in document order (Chainloop picks one at random from a Go map). */
function firstProtocol(doc: Record<string, unknown>): string {
  const servers = doc["servers"];
  if (typeof servers !== "object" || servers === null) return "";
  for (const s of Object.values(servers)) {
    const p = typeof s === "object" && s !== null ? scalar((s as Record<string, unknown>)["protocol"]) : "";
    if (p !== "") return p;
  }
  return "";
}

/** AsyncAPI 2.x / 3.x description (JSON or YAML) validated against its version's schema. Policy input: the document. */
export const asyncapiKind = {
  kind: "ASYNCAPI_SPEC",
  summary: "AsyncAPI 2.x or 3.x event-driven API description (JSON or YAML)",
  validates:
    `A JSON or YAML mapping with \`asyncapi\` (${ASYNCAPI_VERSIONS.join(", ")}), valid against the official schema of ` +
    "that version. --no-strict-validation turns schema failures into warnings.",
  annotations: [`${ANN}.asyncapi.version`, `${ANN}.api.title`, `${ANN}.api.version`, `${ANN}.api.protocol`, `${ANN}.asyncapi.channels`],
  input: "file",
  autoDetect: true,
  example: "--value asyncapi.yaml",
  sniff(sample: Sample): boolean {
    return /^[23]\./.test(topLevelScalar(sample.head, ["asyncapi"])?.value ?? "");
  },
  async validate(bytes: Uint8Array, ctx: ValidateContext): Promise<Validated> {
    const doc = parseSpecDocument(bytes, ctx.fileName, "an AsyncAPI");
    const version = scalar(doc["asyncapi"]);
    if (version === "") throw new CairnError("MATERIAL_INVALID", `${ctx.fileName}: has no "asyncapi" version field`);
    const warnings = schemaOutcome(await schemaErrors(source(version, ctx.fileName), doc, ctx.fileName), ctx, `AsyncAPI ${version}`);
    const info = (doc["info"] ?? {}) as Record<string, unknown>;
    const annotations: Record<string, string> = { [`${ANN}.asyncapi.version`]: version };
    if (scalar(info["title"]) !== "") annotations[`${ANN}.api.title`] = scalar(info["title"]);
    if (scalar(info["version"]) !== "") annotations[`${ANN}.api.version`] = scalar(info["version"]);
    if (firstProtocol(doc) !== "") annotations[`${ANN}.api.protocol`] = firstProtocol(doc);
    const channels = doc["channels"];
    annotations[`${ANN}.asyncapi.channels`] = String(typeof channels === "object" && channels !== null ? Object.keys(channels).length : 0);
    return { annotations, warnings };
  },
  project(bytes: Uint8Array): unknown {
    return parseSpecDocument(bytes, "asyncapi document", "an AsyncAPI");
  },
} as const satisfies MaterialKind;
