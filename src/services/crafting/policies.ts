/**
 * The contract's policies in the crafting flow: compiled at `init` (a broken policy fails there, not at add/push),
 * material policies evaluated at `add`, attestation policies at `push`. Attachments are resolved only through
 * resolveAttachedPolicy, so init, add, push and `check` agree on what a reference means.
 */
import { CairnError, isCairnError } from "../../errors.ts";
import type { Contract, PolicyAttachment } from "../../crafter/contract/types.ts";
import { activeAttachments, appliesTo, toEvaluation } from "../../crafter/policy/attach.ts";
import type { CompiledPolicy } from "../../crafter/policy/types.ts";
import type { PolicyEvaluation } from "../../crafter/state/types.ts";
import type { Evaluated } from "../materials/evaluate.ts";
import type { PolicyDeps } from "../policies/evaluate.ts";
import type { ResolveDeps } from "../policies/resolve.ts";

/** The engine's clock plus what resolution may use (locally the ServiceDeps: stored policy names resolve too). */
type Deps = PolicyDeps & ResolveDeps;

interface Resolved {
  attachment: PolicyAttachment;
  policy: CompiledPolicy;
}

/**
 * Every active attachment of one list, compiled; an error names the contract and the attachment's position.
 * The policy engine (CEL, the policy parser) is loaded only when the list has one: most contracts attach none.
 */
async function resolveAll(deps: Deps, contract: Contract, contractName: string, where: "materials" | "attestation"): Promise<Resolved[]> {
  const active = activeAttachments(contract, where);
  if (active.length === 0) return [];
  const { resolveAttachedPolicy } = await import("../policies/resolve.ts");
  const resolved: Resolved[] = [];
  for (const { attachment, path } of active) {
    try {
      resolved.push({ attachment, policy: await resolveAttachedPolicy(deps, attachment, `contract ${contractName}`) });
    } catch (e) {
      if (!isCairnError(e)) throw e;
      throw new CairnError(e.code, `contract ${contractName} ${path}: ${e.message}`, { hint: e.hint, details: e.details, cause: e });
    }
  }
  return resolved;
}

/** `init`: compiles every attached policy, so a broken one (syntax, CEL, unknown input) is reported before any work. */
export async function compileAttachedPolicies(deps: Deps, contract: Contract, contractName: string, warn: (m: string) => void): Promise<void> {
  if (contract.policyGroups.length > 0) {
    // Parsed for Chainloop compatibility, not evaluated yet: say so rather than pass silently.
    warn(`contract ${contractName} attaches ${contract.policyGroups.length} policy group(s): policy groups are not evaluated by this cairn; attach their policies directly under policies.materials/attestation`);
  }
  await resolveAll(deps, contract, contractName, "materials");
  await resolveAll(deps, contract, contractName, "attestation");
}

/** `add`: the verdicts of the material attachments that apply to one recorded material. */
export async function evaluateMaterialPolicies(
  deps: Deps,
  contract: Contract,
  contractName: string,
  material: { name: string; ev: Evaluated; annotations: Record<string, string> },
): Promise<PolicyEvaluation[]> {
  const kind = material.ev.kind.kind;
  const applicable = (await resolveAll(deps, contract, contractName, "materials")).filter((r) => appliesTo(r.attachment, r.policy, { name: material.name, kind }));
  if (applicable.length === 0) return [];
  const [{ evaluateMaterialPolicy }, { evalOptions, materialSubject }] = await Promise.all([import("../../crafter/policy/evaluate.ts"), import("../policies/evaluate.ts")]);
  const subject = materialSubject(material.ev, material.name, material.annotations);
  return applicable.map(({ attachment, policy }) =>
    toEvaluation(evaluateMaterialPolicy(policy, subject, evalOptions(deps, attachment.with)), attachment, material.name),
  );
}

/** `push`: the verdicts of the attestation attachments on the rendered statement (without these verdicts). */
export async function evaluateAttestationPolicies(deps: Deps, contract: Contract, contractName: string, statement: unknown): Promise<PolicyEvaluation[]> {
  const resolved = await resolveAll(deps, contract, contractName, "attestation");
  if (resolved.length === 0) return [];
  const [{ evaluateAttestationPolicy }, { evalOptions }] = await Promise.all([import("../../crafter/policy/evaluate.ts"), import("../policies/evaluate.ts")]);
  return resolved.map(({ attachment, policy }) =>
    toEvaluation(evaluateAttestationPolicy(policy, statement, evalOptions(deps, attachment.with)), attachment),
  );
}
