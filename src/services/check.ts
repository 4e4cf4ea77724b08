import { isCairnError } from "../errors.ts";
import { missingFrom } from "../crafter/state/transitions.ts";
import type { ServiceDeps } from "./deps.ts";
import { loadContractFile } from "./contracts.ts";
import { evaluateMaterial } from "./materials/evaluate.ts";

export interface CheckInput {
  contractPath: string;
  /** NAME=PATH (or NAME=VALUE for STRING materials). */
  materials: { name: string; value: string }[];
  strict: boolean;
}

export interface CheckRow {
  name: string;
  kind: string;
  ok: boolean;
  digest?: string;
  problem?: string;
}

export interface CheckReport {
  contract: string;
  ok: boolean;
  materials: CheckRow[];
  missing: string[];
}

/** The pre-commit gate: the contract parses, each given material is valid for its contract kind, none required is missing. Stores nothing. */
export async function checkMaterials(deps: Pick<ServiceDeps, "config">, input: CheckInput): Promise<CheckReport> {
  const { contract } = loadContractFile(input.contractPath);
  const rows: CheckRow[] = [];
  for (const m of input.materials) {
    const declared = contract.materials.find((c) => c.name === m.name);
    if (!declared) {
      rows.push({ name: m.name, kind: "?", ok: false, problem: `not in the contract (declared: ${contract.materials.map((c) => c.name).join(", ") || "none"})` });
      continue;
    }
    try {
      const ev = await evaluateMaterial(m.value, declared.type, { cwd: deps.config.cwd, strict: input.strict });
      rows.push({ name: m.name, kind: declared.type, ok: true, digest: ev.digest || undefined });
    } catch (e) {
      if (!isCairnError(e)) throw e;
      rows.push({ name: m.name, kind: declared.type, ok: false, problem: e.message });
    }
  }
  const given = new Set(input.materials.map((m) => m.name));
  const gaps = missingFrom(contract.materials, (name) => given.has(name));
  const missing = [...gaps.materials, ...gaps.groups.map((g) => `group:${g}`)];
  return { contract: input.contractPath, ok: missing.length === 0 && rows.every((r) => r.ok), materials: rows, missing };
}
