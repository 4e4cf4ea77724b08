/**
 * Evaluating policies on a material file (for `cairn policy eval` now, for `att add` next): the material
 * is read and validated exactly as `att add` does (services/materials/evaluate.ts: detection, strict
 * validation), projected (crafter/policy/project.ts) and given to the engine.
 *
 * API for the crafting wiring: `materialSubject(evaluated, name, annotations)` builds the engine's view of
 * an added material; `evalOptions(deps, with)` the clock-bound options; then call
 * `evaluateMaterialPolicy` / `evaluateAttestationPolicy` from crafter/policy/evaluate.ts per attachment.
 */
import type { Clock } from "../deps.ts";
import type { Env } from "../../config.ts";
import type { CasBackendRepo } from "../../store/cas-backend-port.ts";
import { evaluateMaterial, type Evaluated } from "../materials/evaluate.ts";
import { registryOptionsFn } from "../materials/registry-image.ts";
import { evaluateMaterialPolicy, type EvalOptions, type MaterialSubject } from "../../crafter/policy/evaluate.ts";
import { projectMaterial } from "../../crafter/policy/project.ts";
import type { CompiledPolicy, PolicyResult } from "../../crafter/policy/types.ts";
import { resolveAttachedPolicy, type ResolveDeps } from "./resolve.ts";

/** The part of ServiceDeps policies need (so `cairn policy eval` opens no store); a ServiceDeps fits. */
export interface PolicyDeps {
  /** env: registry settings (CAIRN_INSECURE_REGISTRIES, docker config) when the material is a registry image. */
  config: { cwd: string; env?: Env };
  clock: Clock;
  /** With a store: registry credentials of configured CAS backends. */
  casBackends?: Pick<CasBackendRepo, "list">;
}

export interface EvalFileInput {
  /** A policy file path, builtin:NAME, or a stored policy's name (with the store in deps); `@sha256:` pins too. */
  policy: string;
  /** The material: a file, an OCI layout directory, or a STRING value. */
  material: string;
  kind?: string;
  with: Record<string, string>;
  /** Extra material annotations (`--annotation k=v`), on top of the ones validation derives. */
  annotations?: Record<string, string>;
  /** Material name as a contract would give it; default the value's base name. */
  name?: string;
}

export interface EvalFileResult {
  policy: { name: string; source: string; digest: string };
  material: { name: string; kind: string; digest: string; value: string };
  result: PolicyResult;
  warnings: string[];
}

export async function evaluatePolicyOnFile(deps: PolicyDeps & ResolveDeps, input: EvalFileInput): Promise<EvalFileResult> {
  const ref = { ref: input.policy, with: {}, requirements: [], disabled: false };
  const policy: CompiledPolicy = await resolveAttachedPolicy(deps, ref, "--policy");
  const ev = await evaluateMaterial(input.material, input.kind, { cwd: deps.config.cwd, strict: true, registry: registryOptionsFn({ config: { env: deps.config.env ?? {} }, casBackends: deps.casBackends }) });
  const subject = materialSubject(ev, input.name ?? ev.value, input.annotations ?? {});
  const result = evaluateMaterialPolicy(policy, subject, evalOptions(deps, input.with));
  return {
    policy: { name: policy.name, source: policy.source, digest: policy.digest },
    material: { name: subject.name, kind: subject.kind, digest: subject.digest, value: subject.value },
    result,
    warnings: ev.warnings,
  };
}

/** The engine's view of a material that went through evaluateMaterial (bytes already read, if any). */
export function materialSubject(ev: Evaluated, name: string, annotations: Record<string, string>): MaterialSubject {
  const projection = projectMaterial(ev.kind, ev.bytes);
  const base = { name, kind: ev.kind.kind, digest: ev.digest, value: ev.value, annotations: { ...ev.annotations, ...annotations } };
  return "content" in projection ? { ...base, content: projection.content } : { ...base, unevaluable: projection.unevaluable };
}

export function evalOptions(deps: PolicyDeps, given: Record<string, string>): EvalOptions {
  return { with: given, now: deps.clock.now(), clock: () => performance.now() };
}
