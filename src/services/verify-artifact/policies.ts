// `--policy`: evaluated on the attested materials, their content fetched from the CAS by digest and re-hashed (the
// statement signs the digest, so bytes that do not hash to it are not the evidence). Fail closed: a policy that applies
// to none of the attested materials, or whose material cannot be read, rejects the attestation.
import { createHash } from "node:crypto";
import { CairnError, isCairnError } from "../../errors.ts";
import { ANN } from "../../crafter/materials/kind.ts";
import { findKind } from "../../crafter/materials/registry.ts";
import { evaluateAttestationPolicy, evaluateMaterialPolicy, type MaterialSubject } from "../../crafter/policy/evaluate.ts";
import { projectMaterial } from "../../crafter/policy/project.ts";
import { resolveArgs } from "../../crafter/policy/args.ts";
import type { CompiledPolicy, PolicyResult } from "../../crafter/policy/types.ts";
import { BUILTIN_PREFIX } from "../../crafter/policy/library.ts";
import { evalOptions } from "../policies/evaluate.ts";
import { resolveAttachedPolicy } from "../policies/resolve.ts";
import type { ServiceDeps } from "../deps.ts";
import type { Descriptor } from "./statement.ts";

export interface LoadedPolicy {
  policy: CompiledPolicy;
  /** The inputs it declares, out of `--policy-input` (each policy takes the ones it names). */
  with: Record<string, string>;
}

const STORED_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(@sha256:[0-9a-f]{64})?$/;

/** Compiles every `--policy` once, before any attestation is judged (a broken policy is the caller's error). */
export async function loadPolicies(deps: ServiceDeps, refs: readonly string[], inputs: Record<string, string>, sources: "local" | "served"): Promise<LoadedPolicy[]> {
  const loaded: LoadedPolicy[] = [];
  for (const ref of refs) {
    if (sources === "served" && !ref.startsWith(BUILTIN_PREFIX) && !STORED_NAME.test(ref)) {
      throw new CairnError("USAGE", `policy ${ref}: a server evaluates only builtin:NAME and stored policy names`, { hint: "add the policy to the store with `cairn policy add`, or use a built-in one" });
    }
    const policy = await resolveAttachedPolicy(deps, { ref, with: {}, requirements: [], disabled: false }, "--policy");
    const names = new Set(policy.inputs.map((i) => i.name));
    const given = Object.fromEntries(Object.entries(inputs).filter(([k]) => names.has(k)));
    resolveArgs(policy, given); // a required input left out fails here, naming it
    loaded.push({ policy, with: given });
  }
  return loaded;
}

/** Reasons the attested materials (and the statement, for attestation rules) violate the policies; [] when none. */
export async function policyReasons(deps: ServiceDeps, policies: readonly LoadedPolicy[], statement: unknown, materials: readonly Descriptor[]): Promise<string[]> {
  if (policies.length === 0) return [];
  const reasons: string[] = [];
  const subjects = new Map<string, Promise<MaterialSubject | string>>();
  for (const { policy, with: given } of policies) {
    const opts = evalOptions(deps, given);
    const results: PolicyResult[] = [];
    let unreadable = 0;
    if (policy.rules.some((r) => r.attestation)) results.push(evaluateAttestationPolicy(policy, statement, opts));
    for (const d of materials) {
      const kind = d.annotations?.[`${ANN}.type`];
      const hex = d.digest?.sha256;
      if (!kind || !hex || !policy.rules.some((r) => !r.attestation && (r.kinds.includes(kind) || r.kinds.includes("*")))) continue;
      const key = `${hex} ${kind}`;
      if (!subjects.has(key)) subjects.set(key, materialSubject(deps, d, kind, hex));
      const subject = await subjects.get(key)!;
      if (typeof subject === "string") {
        reasons.push(`policy ${policy.name}: ${subject}`);
        unreadable++;
        continue;
      }
      results.push(evaluateMaterialPolicy(policy, subject, opts));
    }
    const applied = results.filter((r) => r.skipped === undefined);
    if (applied.length === 0 && unreadable === 0) reasons.push(`policy ${policy.name} applies to none of the attested materials`);
    for (const r of applied) for (const v of r.violations) reasons.push(`policy ${policy.name}: ${v.rule}: ${v.message}`);
  }
  return reasons;
}

/** The engine's view of an attested material, or why it cannot be given one. */
async function materialSubject(deps: ServiceDeps, d: Descriptor, kindName: string, hex: string): Promise<MaterialSubject | string> {
  const name = d.annotations?.[`${ANN}.name`] ?? d.name ?? `sha256:${hex}`;
  const kind = findKind(kindName);
  if (!kind) return `material ${name} has unknown kind ${kindName}`;
  let bytes: Uint8Array | undefined;
  if (typeof d.content === "string") bytes = Buffer.from(d.content, "base64");
  else if (kind.project) {
    try {
      bytes = await deps.blobs.read(`sha256:${hex}`);
    } catch (e) {
      if (isCairnError(e, "NOT_FOUND")) return `material ${name} (sha256:${hex}) is not in the CAS`;
      if (isCairnError(e, "INTEGRITY")) return `material ${name} in the CAS does not match its digest sha256:${hex} (tampered)`;
      throw e;
    }
  }
  if (bytes && createHash("sha256").update(bytes).digest("hex") !== hex) return `material ${name} in the CAS does not match its digest sha256:${hex} (tampered)`;
  let projection: ReturnType<typeof projectMaterial>;
  try {
    projection = projectMaterial(kind, bytes);
  } catch (e) {
    return `material ${name} cannot be read as ${kindName}: ${(e as Error).message}`;
  }
  const value = kindName === "STRING" && bytes ? new TextDecoder().decode(bytes) : (d.name ?? "");
  const base = { name, kind: kindName, digest: `sha256:${hex}`, value, annotations: d.annotations ?? {} };
  return "content" in projection ? { ...base, content: projection.content } : { ...base, unevaluable: projection.unevaluable };
}
