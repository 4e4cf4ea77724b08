import type * as Yaml from "yaml";
import { CairnError } from "../../errors.ts";

/** yaml, loaded on the first library parse: the kind registry imports this module on every `att add`. */
const yaml = (): typeof Yaml => require("yaml");

/**
 * YAML documents of material kinds under a budget. The `yaml` library is linear but heavy: about 3 µs and 130 bytes
 * of memory per input byte on block YAML (a 1.9 MB OpenAPI document: 6.3 s, 250 MiB), and it spends 7 s on 200,000
 * aliases in 1.4 MB. So:
 * - data-only documents (OpenAPI, AsyncAPI) go through Bun's native YAML parser (the 1.9 MB document: 0.19 s), which
 *   refuses alias bombs itself; what it returns is then walked once, refusing cycles (`&a [*a]`) and more than
 *   MAX_YAML_NODES nodes, so no later stage (schema validation, policy input) sees an unbounded graph;
 * - documents that need the `yaml` library's schemas (a Helm Chart.yaml read with the failsafe schema) are limited to
 *   MAX_LIBRARY_YAML_BYTES.
 * JSON is never parsed here: JSON.parse is cheaper still (spec-doc.ts routes text starting with `{` or `[` there).
 */

/** Bun's parser needs ~35 bytes of memory per byte, and `policy eval` holds the projection too: 4.1 MB reached 255 MiB. */
export const MAX_YAML_BYTES = 3 * 1024 * 1024;
export const MAX_LIBRARY_YAML_BYTES = 512 * 1024;
export const MAX_YAML_NODES = 2_000_000;

function tooLarge(where: string, size: number, max: number): CairnError {
  return new CairnError("MATERIAL_INVALID", `${where}: is ${size} characters of YAML, over the ${max}-character limit for this YAML document`, {
    hint: "Give the document as JSON, or split it.",
    details: { maxYamlBytes: max },
  });
}

const invalid = (where: string, why: string) => new CairnError("MATERIAL_INVALID", `${where}: is not valid YAML (${why})`);

/** Walks `root` iteratively: throws on a cycle or past MAX_YAML_NODES (shared subtrees count each time they occur). */
function checkGraph(root: unknown, where: string): void {
  let nodes = 0;
  const onPath = new Set<object>();
  const stack: { v: object; children: unknown[]; i: number }[] = [];
  const enter = (v: unknown): void => {
    if (++nodes > MAX_YAML_NODES) throw invalid(where, `more than ${MAX_YAML_NODES} nodes once aliases are expanded`);
    if (typeof v !== "object" || v === null) return;
    if (onPath.has(v)) throw invalid(where, "an alias refers to a node that contains it (a cycle)");
    onPath.add(v);
    stack.push({ v, children: Array.isArray(v) ? v : Object.values(v), i: 0 });
  };
  enter(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i < top.children.length) enter(top.children[top.i++]);
    else (onPath.delete(top.v), stack.pop());
  }
}

/** A data-only YAML document (core schema), bounded as described above. Failures are MATERIAL_INVALID naming `where`. */
export function parseYamlData(text: string, where: string): unknown {
  if (text.length > MAX_YAML_BYTES) throw tooLarge(where, text.length, MAX_YAML_BYTES);
  let doc: unknown;
  try {
    doc = Bun.YAML.parse(text);
  } catch (e) {
    throw invalid(where, (e as Error).message.split("\n")[0]?.trim() ?? "syntax error");
  }
  checkGraph(doc, where);
  return doc;
}

/** YAML through the `yaml` library (at most 100 aliases, MAX_LIBRARY_YAML_BYTES), for its schemas (`failsafe`). */
export function parseYamlBounded(text: string, where: string, schema?: "failsafe"): unknown {
  if (text.length > MAX_LIBRARY_YAML_BYTES) throw tooLarge(where, text.length, MAX_LIBRARY_YAML_BYTES);
  try {
    return yaml().parse(text, schema === undefined ? { maxAliasCount: 100 } : { schema, maxAliasCount: 100 });
  } catch (e) {
    throw invalid(where, (e as Error).message.split("\n")[0]?.trim() ?? "syntax error");
  }
}
