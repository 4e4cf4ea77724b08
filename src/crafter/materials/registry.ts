import type { MaterialKind } from "./kind.ts";
import { stringKind } from "./string.ts";
import { artifactKind } from "./artifact.ts";
import { evidenceKind } from "./evidence.ts";

/**
 * Every material kind, in auto-discovery order: `detect` tries each kind with autoDetect=true
 * from the top and takes the first whose sniff matches. ARTIFACT (files) and STRING (values)
 * are the fallbacks and stay last. A new kind is one file plus one line here.
 */
export const MATERIAL_KINDS = [
  evidenceKind,
  artifactKind,
  stringKind,
] as const satisfies readonly MaterialKind[];

export type KindName = (typeof MATERIAL_KINDS)[number]["kind"];

const BY_NAME = new Map<string, MaterialKind>(MATERIAL_KINDS.map((k) => [k.kind, k]));

export function findKind(name: string): MaterialKind | undefined {
  return BY_NAME.get(name);
}

export function kindNames(): string[] {
  return MATERIAL_KINDS.map((k) => k.kind);
}
