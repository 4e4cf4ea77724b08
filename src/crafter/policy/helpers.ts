/**
 * Pure helper functions registered in the CEL environment, so the SBOM policies read the same for
 * CycloneDX and SPDX. Each is linear in its argument (the input is size-capped), with no I/O.
 *
 * - `sbomComponents(content)`: CycloneDX `components` (nested ones flattened, depth-first) or SPDX `packages`.
 * - `licenseIds(component)`: license ids/names of a CycloneDX component (`licenses[].license.id|name`, ids
 *   of `licenses[].expression`) or an SPDX package (`licenseConcluded`, `licenseDeclared`, `licenseInfoFromFiles`).
 * - `purlOf(component)`: CycloneDX `purl`, or the SPDX `externalRefs` entry of type purl; "" when none.
 * - `spdxIds(expression)`: the license ids of an SPDX license expression (operators, parentheses,
 *   NOASSERTION and NONE left out).
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function sbomComponents(content: unknown): Obj[] {
  if (!isObj(content)) return [];
  if (Array.isArray(content["packages"])) return content["packages"].filter(isObj);
  const out: Obj[] = [];
  const walk = (items: unknown): void => {
    for (const c of list(items)) {
      if (!isObj(c)) continue;
      out.push(c);
      walk(c["components"]);
    }
  };
  walk(content["components"]);
  return out;
}

const OPERATORS = new Set(["AND", "OR", "WITH", "NOASSERTION", "NONE"]);

export function spdxIds(expression: string): string[] {
  return expression
    .split(/[\s()]+/)
    .filter((t) => t !== "" && !OPERATORS.has(t.toUpperCase()));
}

export function licenseIds(component: unknown): string[] {
  if (!isObj(component)) return [];
  const out: string[] = [];
  for (const l of list(component["licenses"])) {
    if (!isObj(l)) continue;
    const lic = isObj(l["license"]) ? l["license"] : undefined;
    const id = str(lic?.["id"]) || str(lic?.["name"]);
    if (id !== "") out.push(id);
    out.push(...spdxIds(str(l["expression"])));
  }
  for (const key of ["licenseConcluded", "licenseDeclared"]) out.push(...spdxIds(str(component[key])));
  for (const v of list(component["licenseInfoFromFiles"])) out.push(...spdxIds(str(v)));
  return [...new Set(out)];
}

export function purlOf(component: unknown): string {
  if (!isObj(component)) return "";
  if (str(component["purl"]) !== "") return str(component["purl"]);
  const ref = list(component["externalRefs"]).find((r) => isObj(r) && str(r["referenceType"]) === "purl");
  return isObj(ref) ? str(ref["referenceLocator"]) : "";
}
