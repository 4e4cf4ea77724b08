import YAML from "yaml";
import { CairnError } from "../../errors.ts";

/**
 * YAML documents of material kinds (OpenAPI/AsyncAPI in YAML, a Helm chart's Chart.yaml and values.yaml) under a
 * budget. The `yaml` library is linear but heavy: about 1.3 µs and 80 bytes of memory per input byte (a 3.2 MB
 * OpenAPI YAML took 4 s and 250 MiB), so past MAX_YAML_BYTES a document is refused instead of stalling for seconds
 * and hundreds of MiB. JSON is never parsed here: JSON.parse is ~30x cheaper (spec-doc.ts routes it there).
 */

export const MAX_YAML_BYTES = 2 * 1024 * 1024;

/** Parses YAML text (at most 100 aliases, MAX_YAML_BYTES); failures are MATERIAL_INVALID naming `where`. */
export function parseYamlBounded(text: string, where: string, schema?: "failsafe"): unknown {
  if (text.length > MAX_YAML_BYTES) {
    throw new CairnError("MATERIAL_INVALID", `${where}: is ${text.length} characters of YAML, over the ${MAX_YAML_BYTES}-character limit for YAML documents`, {
      hint: "Give the document as JSON (parsed without that limit), or split it.",
      details: { maxYamlBytes: MAX_YAML_BYTES },
    });
  }
  try {
    return YAML.parse(text, schema === undefined ? { maxAliasCount: 100 } : { schema, maxAliasCount: 100 });
  } catch (e) {
    throw new CairnError("MATERIAL_INVALID", `${where}: is not valid YAML (${(e as Error).message.split("\n")[0]?.trim()})`);
  }
}
