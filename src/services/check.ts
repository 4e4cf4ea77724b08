import { isCairnError } from "../errors.ts";
import type { Contract } from "../crafter/contract/types.ts";
import { missingFrom } from "../crafter/state/transitions.ts";
import type { Clock, ServiceDeps } from "./deps.ts";
import { gatedViolations } from "../crafter/policy/attach.ts";
import type { PolicyEvaluation } from "../crafter/state/types.ts";
import { compileAttachedPolicies, evaluateMaterialPolicies } from "./crafting/policies.ts";
import { evaluateMaterial, type Evaluated } from "./materials/evaluate.ts";
import { registryOptionsFn } from "./materials/registry-image.ts";
import { hashFile } from "../store/cas/digest.ts";

export interface CheckInput {
  /** The contract, already loaded (a file, or a stored revision: see check-contract.ts); `source` names it. */
  contract: { contract: Contract; source: string };
  /** NAME=PATH (or NAME=VALUE for STRING materials). */
  materials: { name: string; value: string }[];
  /** Schema failures of SBOM and spec kinds are errors (`--no-strict-validation` makes them warnings). */
  strictValidation: boolean;
  /** `--require-all`: required materials that were not given fail the check. */
  requireAll: boolean;
  /** `--strict`: violations of non-gated policies fail the check too (gated ones always do). */
  strict: boolean;
}

/** checked: valid for its kind (policy verdicts apart); invalid: not in the contract or not valid; not given. */
export type CheckStatus = "checked" | "invalid" | "not given";

export interface CheckRow {
  name: string;
  kind: string;
  status: CheckStatus;
  /** Whether the contract requires it (false for optional ones and for names not in the contract). */
  required: boolean;
  digest?: string;
  problem?: string;
  /** Policy violations on this material (0 when not checked). */
  violations: number;
  /** Some of them are of gated policies. */
  blocked: boolean;
}

export interface CheckReport {
  contract: string;
  ok: boolean;
  /** The given materials in the order given, then the contract's materials that were not given. */
  materials: CheckRow[];
  /** Required materials (and `group:NAME` groups) not given: fail only with requireAll. */
  missing: string[];
  /** The contract's material policies on the given materials. */
  policyEvaluations: PolicyEvaluation[];
  /** A gated policy is violated: `att push` would exit 4 with these materials (so does `check`). */
  policyBlocked: boolean;
}

type CheckDeps = Pick<ServiceDeps, "config"> & { clock?: Clock; reporter?: ServiceDeps["reporter"] };

/**
 * The pre-commit gate checks what it is given: the contract's policies compile, each given material is valid for its
 * contract kind and passes the contract's material policies. Fails on an invalid given material or a gated violation;
 * missing required materials only with requireAll, non-gated violations only with strict. Stores nothing, and a
 * `@sha256:`-pinned image reference needs no network.
 */
export async function checkMaterials(deps: CheckDeps, input: CheckInput): Promise<CheckReport> {
  const { contract, source } = input.contract;
  const policyDeps = { config: deps.config, clock: deps.clock ?? { now: () => new Date() } };
  const contractName = contract.name ?? source;
  await compileAttachedPolicies(policyDeps, contract, contractName, (m) => deps.reporter?.warn(m));
  const rows: CheckRow[] = [];
  const evaluations: PolicyEvaluation[] = [];
  for (const m of input.materials) {
    const declared = contract.materials.find((c) => c.name === m.name);
    if (!declared) {
      const problem = `not in the contract (declared: ${contract.materials.map((c) => c.name).join(", ") || "none"})`;
      rows.push({ name: m.name, kind: "?", status: "invalid", required: false, problem, violations: 0, blocked: false });
      continue;
    }
    const row = { name: m.name, kind: declared.type, required: !declared.optional };
    try {
      const ev = await evaluateMaterial(m.value, declared.type, {
        cwd: deps.config.cwd,
        strict: input.strictValidation,
        registry: registryOptionsFn(deps),
        resolveImages: "unless-pinned",
        materialName: m.name,
      });
      const verdicts = await evaluateMaterialPolicies(policyDeps, contract, contractName, { name: m.name, ev, annotations: {} });
      evaluations.push(...verdicts);
      const n = verdicts.reduce((k, e) => k + e.violations.length, 0);
      const blocked = gatedViolations(verdicts).length > 0;
      rows.push({ ...row, status: "checked", digest: await digestOf(ev), violations: n, blocked, ...(n > 0 && { problem: `${n} policy violation${n === 1 ? "" : "s"}` }) });
    } catch (e) {
      if (!isCairnError(e)) throw e;
      rows.push({ ...row, status: "invalid", problem: e.message, violations: 0, blocked: false });
    }
  }
  const given = new Set(input.materials.map((m) => m.name));
  for (const c of contract.materials) {
    if (!given.has(c.name)) rows.push({ name: c.name, kind: c.type, status: "not given", required: !c.optional, violations: 0, blocked: false });
  }
  const gaps = missingFrom(contract.materials, (name) => given.has(name));
  const missing = [...gaps.materials, ...gaps.groups.map((g) => `group:${g}`)];
  const policyBlocked = gatedViolations(evaluations).length > 0;
  const ok =
    rows.every((r) => r.status !== "invalid") &&
    !policyBlocked &&
    (!input.requireAll || missing.length === 0) &&
    (!input.strict || rows.every((r) => r.violations === 0));
  return { contract: source, ok, materials: rows, missing, policyEvaluations: evaluations, policyBlocked };
}

/** Kinds that are not validated (ARTIFACT, …) are not read by evaluateMaterial: hashed here, streaming. */
async function digestOf(ev: Evaluated): Promise<string | undefined> {
  return ev.digest || (ev.path === undefined ? undefined : (await hashFile(ev.path)).digest);
}
