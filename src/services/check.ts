import { isCairnError } from "../errors.ts";
import { missingFrom } from "../crafter/state/transitions.ts";
import type { Clock, ServiceDeps } from "./deps.ts";
import { gatedViolations } from "../crafter/policy/attach.ts";
import type { PolicyEvaluation } from "../crafter/state/types.ts";
import { compileAttachedPolicies, evaluateMaterialPolicies } from "./crafting/policies.ts";
import { loadContractFile } from "./contracts.ts";
import { evaluateMaterial } from "./materials/evaluate.ts";
import { registryOptionsFn } from "./materials/registry-image.ts";

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
  /** The contract's material policies on the given materials; any violation fails the check. */
  policyEvaluations: PolicyEvaluation[];
  /** A gated policy is violated: `att push` would exit 4 with these materials (so does `check`). */
  policyBlocked: boolean;
}

/**
 * The pre-commit gate: the contract parses and its policies compile, each given material is valid for its contract
 * kind and passes the contract's material policies, none required is missing. Stores nothing.
 */
export async function checkMaterials(deps: Pick<ServiceDeps, "config"> & { clock?: Clock; reporter?: ServiceDeps["reporter"] }, input: CheckInput): Promise<CheckReport> {
  const { contract } = loadContractFile(input.contractPath, deps.config.cwd);
  const policyDeps = { config: deps.config, clock: deps.clock ?? { now: () => new Date() } };
  const contractName = contract.name ?? input.contractPath;
  compileAttachedPolicies(policyDeps, contract, contractName, (m) => deps.reporter?.warn(m));
  const rows: CheckRow[] = [];
  const evaluations: PolicyEvaluation[] = [];
  for (const m of input.materials) {
    const declared = contract.materials.find((c) => c.name === m.name);
    if (!declared) {
      rows.push({ name: m.name, kind: "?", ok: false, problem: `not in the contract (declared: ${contract.materials.map((c) => c.name).join(", ") || "none"})` });
      continue;
    }
    try {
      const ev = await evaluateMaterial(m.value, declared.type, { cwd: deps.config.cwd, strict: input.strict, registry: registryOptionsFn(deps), materialName: m.name });
      const verdicts = evaluateMaterialPolicies(policyDeps, contract, contractName, { name: m.name, ev, annotations: {} });
      evaluations.push(...verdicts);
      const n = verdicts.reduce((k, e) => k + e.violations.length, 0);
      rows.push({ name: m.name, kind: declared.type, ok: n === 0, digest: ev.digest || undefined, ...(n > 0 && { problem: `${n} policy violation${n === 1 ? "" : "s"}` }) });
    } catch (e) {
      if (!isCairnError(e)) throw e;
      rows.push({ name: m.name, kind: declared.type, ok: false, problem: e.message });
    }
  }
  const given = new Set(input.materials.map((m) => m.name));
  const gaps = missingFrom(contract.materials, (name) => given.has(name));
  const missing = [...gaps.materials, ...gaps.groups.map((g) => `group:${g}`)];
  const ok = missing.length === 0 && rows.every((r) => r.ok);
  return { contract: input.contractPath, ok, materials: rows, missing, policyEvaluations: evaluations, policyBlocked: gatedViolations(evaluations).length > 0 };
}
