/** `materials[]` and `annotations[]` (contract-level and per-material) of a contract spec. */
import type { ContractAnnotation, ContractMaterial } from "./types.ts";
import type { Path } from "./path.ts";
import type { Reader } from "./reader.ts";
import { closest } from "./suggest.ts";
import type { Value } from "./tree.ts";

/** Kubernetes DNS-1123 label, as Chainloop's `name.dns-1123` rule. */
export const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_1123_PROBLEM = "must be lowercase letters, digits and '-', starting and ending with a letter or digit";
/**
 * Annotation names: Chainloop's `^[\w]+$` (letters, digits, `_`), for contract and material
 * annotations alike; dotted names (`chainloop.material.*`) are reserved for the tool itself.
 */
const ANNOTATION_NAME = /^\w+$/;

const MATERIAL_KEYS = ["type", "name", "optional", "output", "annotations", "skipUpload", "group"] as const;
const ANNOTATION_KEYS = ["name", "value"] as const;

/** Reads an annotation list; an empty or absent value means "supply it at add/push time". */
export function readAnnotations(r: Reader, v: Value | undefined, path: Path): ContractAnnotation[] {
  const out: ContractAnnotation[] = [];
  const seen = new Map<string, number>();
  r.list(v, path).forEach((item, i) => {
    const at = [...path, i];
    const f = r.fields(item, at, ANNOTATION_KEYS);
    if (!f) return;
    const name = f.has("name")
      ? r.matching(f.get("name"), [...at, "name"], ANNOTATION_NAME, "must be letters, digits and '_' only")
      : (r.add([...at, "name"], "is required"), undefined);
    const value = r.string(f.get("value"), [...at, "value"], true) ?? "";
    if (name === undefined) return;
    const first = seen.get(name);
    if (first !== undefined) {
      r.add([...at, "name"], `duplicate annotation "${name}" (first at index ${first})`);
      return;
    }
    seen.set(name, i);
    out.push({ name, value });
  });
  return out;
}

/** Reads `materials[]`: names unique and DNS-1123, `type` one of `knownKinds`. */
export function readMaterials(
  r: Reader,
  v: Value | undefined,
  path: Path,
  knownKinds: readonly string[],
): ContractMaterial[] {
  const out: ContractMaterial[] = [];
  const seen = new Map<string, number>();
  r.list(v, path).forEach((item, i) => {
    const at = [...path, i];
    const f = r.fields(item, at, MATERIAL_KEYS);
    if (!f) return;
    const name = readName(r, f.get("name"), [...at, "name"]);
    const type = readKind(r, f.get("type"), [...at, "type"], knownKinds);
    const m: ContractMaterial = {
      name: name ?? "",
      type: type ?? "",
      optional: r.boolean(f.get("optional"), [...at, "optional"]) ?? false,
      output: r.boolean(f.get("output"), [...at, "output"]) ?? false,
      skipUpload: r.boolean(f.get("skipUpload"), [...at, "skipUpload"]) ?? false,
      annotations: readAnnotations(r, f.get("annotations"), [...at, "annotations"]),
    };
    const group = r.matching(f.get("group"), [...at, "group"], DNS_1123, DNS_1123_PROBLEM);
    if (group !== undefined) m.group = group;
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) {
        r.add([...at, "name"], `duplicate material name "${name}" (first at index ${first})`,
          "Material names must be unique within a contract; rename one of them.");
      }
      else seen.set(name, i);
    }
    out.push(m);
  });
  return out;
}

function readName(r: Reader, v: Value | undefined, path: Path): string | undefined {
  if (v === undefined) {
    r.add(path, "is required");
    return undefined;
  }
  // An unquoted all-digit name (`name: 2024`) is a valid DNS-1123 label: take it as written.
  return r.matching(v, path, DNS_1123, DNS_1123_PROBLEM, true);
}

function readKind(r: Reader, v: Value | undefined, path: Path, knownKinds: readonly string[]): string | undefined {
  const kind = r.string(v, path);
  if (v === undefined || kind === "" || kind === "MATERIAL_TYPE_UNSPECIFIED") {
    r.add(path, "is required", "Set type to a material kind, e.g. ARTIFACT or SBOM_CYCLONEDX_JSON.");
    return undefined;
  }
  if (kind === undefined) return undefined;
  if (knownKinds.includes(kind)) return kind;
  const guess = closest(kind, knownKinds);
  r.add(
    path,
    `unknown material kind "${kind}"${guess === undefined ? "" : ` (did you mean "${guess}"?)`}`,
    guess === undefined ? `Known kinds: ${[...knownKinds].sort().join(", ")}.` : `Use ${guess}.`,
  );
  return undefined;
}
