import { CairnError } from "../../errors.ts";
import type { ContractAnnotation, ContractMaterial } from "../contract/types.ts";
import type { CraftingState, RecordedMaterial } from "./types.ts";

/** Material names follow DNS-1123 labels, as in contracts. */
export const MATERIAL_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface MaterialTarget {
  name: string;
  /** The kind to use, or undefined when it must be auto-detected. */
  kind?: string;
  contract?: ContractMaterial;
}

/**
 * Decides what `add --name N [--kind K]` refers to. A contract name fixes the kind; a name outside the contract
 * needs --kind unless the contract declares no materials at all (then anything is contract-free, kind detected).
 * Unlike Chainloop, an unknown name in a contract with materials is an error: a typo must not silently add an extra
 * material while the required one stays missing.
 */
export function resolveTarget(state: CraftingState, name: string | undefined, kind: string | undefined): MaterialTarget {
  const materials = state.contract.materials;
  if (name !== undefined && !MATERIAL_NAME_RE.test(name)) {
    throw new CairnError("USAGE", `invalid material name ${JSON.stringify(name)}`, {
      hint: "names use lowercase letters, digits and '-', starting and ending with a letter or digit",
    });
  }
  const declared = name === undefined ? undefined : materials.find((m) => m.name === name);
  if (declared) {
    if (kind !== undefined && kind !== declared.type) {
      throw new CairnError("USAGE", `material ${name} is declared as ${declared.type} in the contract, not ${kind}`, {
        hint: "drop --kind: contract materials take their kind from the contract",
      });
    }
    return { name: declared.name, kind: declared.type, contract: declared };
  }
  if (name !== undefined && kind === undefined && materials.length > 0) {
    throw new CairnError("MATERIAL_UNKNOWN", `material ${name} is not in contract ${state.workflow.contractName}`, {
      hint: `contract materials: ${materials.map((m) => m.name).join(", ")}; to add a contract-free material pass --kind`,
      details: { known: materials.map((m) => m.name) },
    });
  }
  return { name: name ?? "", kind };
}

/** Contract annotations with values win; empty ones must be filled by the user. Built-in cairn.* keys can't be set. */
export function mergeAnnotations(
  what: string,
  declared: ContractAnnotation[],
  user: Record<string, string>,
  derived: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = { ...derived };
  for (const [k, v] of Object.entries(user)) {
    if (k.startsWith("cairn.")) {
      throw new CairnError("USAGE", `annotation ${k} is reserved for cairn`, { hint: "choose a name outside cairn.*" });
    }
    out[k] = v;
  }
  const missing: string[] = [];
  for (const a of declared) {
    if (a.value !== "") out[a.name] = a.value;
    else if (!user[a.name]) missing.push(a.name);
  }
  if (missing.length > 0) {
    throw new CairnError("ANNOTATION_MISSING", `${what} needs annotation${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`, {
      hint: `pass ${missing.map((m) => `--annotation ${m}=VALUE`).join(" ")}`,
      details: { missing },
    });
  }
  return out;
}

/** Returns a new state with the material recorded (replacing an earlier one of the same name). */
export function withMaterial(state: CraftingState, m: RecordedMaterial): CraftingState {
  return { ...state, materials: { ...state.materials, [m.name]: m } };
}

export interface Missing {
  materials: string[];
  /** Choke groups with no member set. */
  groups: string[];
}

/** Required contract materials not yet added, and choke groups with no member added. */
export function missingMaterials(state: CraftingState): Missing {
  return missingFrom(state.contract.materials, (name) => state.materials[name] !== undefined);
}

/** Same rule for any set of present names (used by `cairn check`, which has no crafting state). */
export function missingFrom(contract: readonly ContractMaterial[], present: (name: string) => boolean): Missing {
  const materials = contract.filter((m) => !m.optional && !m.group && !present(m.name)).map((m) => m.name);
  const groupNames = [...new Set(contract.flatMap((m) => (m.group ? [m.group] : [])))];
  const groups = groupNames.filter((g) => !contract.some((m) => m.group === g && present(m.name)));
  return { materials, groups };
}
