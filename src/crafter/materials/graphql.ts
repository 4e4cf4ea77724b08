import type * as GraphqlErrors from "graphql/error";
import type * as GraphqlLanguage from "graphql/language";
import type { DocumentNode } from "graphql/language";
import { CairnError } from "../../errors.ts";
import { textHead } from "./text-head.ts";
import { ANN, type MaterialKind, type Sample, type ValidateContext, type Validated } from "./kind.ts";

// graphql-js, loaded on the first parse: the registry imports this module on every `att add`, few parse GraphQL.
const language = (): typeof GraphqlLanguage => require("graphql/language");
const errors = (): typeof GraphqlErrors => require("graphql/error");

const SDL_KEYWORDS = /^(?:extend\s+)?(?:type|schema|directive|scalar|enum|input|interface|union)\b\s*[A-Za-z_@{]/;

/**
 * First significant text of a head: skips a BOM, whitespace, `#` comments and description strings
 * ("…" or """…""") that may precede the first definition.
 */
function firstToken(s: string): string {
  let i = 0;
  for (;;) {
    while (i < s.length && /[\s,\uFEFF]/.test(s[i] ?? "")) i++;
    if (s[i] === "#") i = s.indexOf("\n", i) < 0 ? s.length : s.indexOf("\n", i);
    else if (s.startsWith('"""', i)) i = s.indexOf('"""', i + 3) < 0 ? s.length : s.indexOf('"""', i + 3) + 3;
    else if (s[i] === '"') i = s.indexOf('"', i + 1) < 0 ? s.length : s.indexOf('"', i + 1) + 1;
    else return s.slice(i, i + 200);
  }
}

function parseSdl(bytes: Uint8Array, fileName: string): DocumentNode {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CairnError("MATERIAL_INVALID", `${fileName}: is not UTF-8 text`);
  }
  try {
    return language().parse(text, { noLocation: true });
  } catch (e) {
    if (e instanceof RangeError) throw new CairnError("MATERIAL_INVALID", `${fileName}: is nested too deeply to parse`);
    if (!(e instanceof errors().GraphQLError)) throw e;
    const at = e.locations?.[0];
    const where = at ? ` (line ${at.line}, column ${at.column})` : "";
    throw new CairnError("MATERIAL_INVALID", `${fileName}: is not valid GraphQL SDL${where}: ${e.message.split("\n")[0]}`);
  }
}

/**
 * GraphQL schema in SDL. Parsed with graphql-js; operations and fragments are refused (that is a
 * query document, not a schema). Policy input: the parsed document (graphql-js AST without locations).
 */
export const graphqlKind = {
  kind: "GRAPHQL_SPEC",
  summary: "GraphQL schema definition (SDL)",
  validates: "Parses as GraphQL SDL, contains at least one type definition or extension and no operations or fragments.",
  annotations: [`${ANN}.graphql.type_count`, `${ANN}.graphql.directives`],
  input: "file",
  autoDetect: true,
  example: "--value schema.graphql",
  sniff(sample: Sample): boolean {
    const text = textHead(sample.head);
    return text !== null && SDL_KEYWORDS.test(firstToken(text));
  },
  validate(bytes: Uint8Array, ctx: ValidateContext): Validated {
    const doc = parseSdl(bytes, ctx.fileName);
    const defs = doc.definitions;
    const { Kind } = language();
    if (defs.some((d) => d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION)) {
      throw new CairnError("MATERIAL_INVALID", `${ctx.fileName}: contains operations or fragments; expected a schema (SDL)`);
    }
    const types = defs.filter((d) => d.kind.endsWith("TypeDefinition") || d.kind.endsWith("TypeExtension")).length;
    if (types === 0) throw new CairnError("MATERIAL_INVALID", `${ctx.fileName}: contains no type definitions`);
    const directives = defs.flatMap((d) => (d.kind === Kind.DIRECTIVE_DEFINITION ? [d.name.value] : [])).sort();
    const annotations: Record<string, string> = { [`${ANN}.graphql.type_count`]: String(types) };
    if (directives.length > 0) annotations[`${ANN}.graphql.directives`] = directives.join(",");
    return { annotations, warnings: [] };
  },
  project(bytes: Uint8Array): unknown {
    return parseSdl(bytes, "graphql schema");
  },
} as const satisfies MaterialKind;
