/**
 * The contract's policies in the crafting flow: compiled at `init` (a broken policy fails there, not at add/push),
 * material policies evaluated at `add`, attestation policies at `push`. Attachments are resolved only through
 * resolveAttachedPolicy, so init, add, push and `check` agree on what a reference means.
 */
import { CairnError, isCairnError } from "../../errors.ts";
import type { Contract, PolicyAttachment } from "../../crafter/contract/types.ts";
import { activeAttachments, appliesTo, toEvaluation } from "../../crafter/policy/attach.ts";
import { evaluateAttestationPolicy, evaluateMaterialPolicy } from "../../crafter/policy/evaluate.ts";
import type { CompiledPolicy } from "../../crafter/policy/types.ts";
import type { PolicyEvaluation } from "../../crafter/state/types.ts";
import type { Evaluated } from "../materials/evaluate.ts";
import { evalOptions, materialSubject, type PolicyDeps } from "../policies/evaluate.ts";
import { resolveAttachedPolicy, type ResolveDeps } from "../policies/resolve.ts";

/** The engine's clock plus what resolution may use (locally the ServiceDeps: stored policy names resolve too). */
type Deps = PolicyDeps & ResolveDeps;

interface Resolved {
  attachment: PolicyAttachment;
  policy: CompiledPolicy;
}

/** Every active attachment of one list, compiled; an error names the contract and the attachment's position. */
function resolveAll(deps: Deps, contract: Contract, contractName: string, where: "materials" | "attestation"): Resolved[] {
  return activeAttachments(contract, where).map(({ attachment, path }) => {
    try {
      return { attachment, policy: resolveAttachedPolicy(deps, attachment, `contract ${contractName}`) };
    } catch (e) {
      if (!isCairnError(e)) throw e;
      throw new CairnError(e.code, `contract ${contractName} ${path}: ${e.message}`, { hint: e.hint, details: e.details, cause: e });
    }
  });
}

/** `init`: compiles every attached policy, so a broken one (syntax, CEL, unknown input) is reported before any work. */
export function compileAttachedPolicies(deps: Deps, contract: Contract, contractName: string, warn: (m: string) => void): void {
  if (contract.policyGroups.length > 0) {
    // Parsed for Chainloop compatibility, not evaluated yet: say so rather than pass silently.
    warn(`contract ${contractName} attaches ${contract.policyGroups.length} policy group(s): policy groups are not evaluated by this cairn; attach their policies directly under policies.materials/attestation`);
  }
  resolveAll(deps, contract, contractName, "materials");
  resolveAll(deps, contract, contractName, "attestation");
}

/** `add`: the verdicts of the material attachments that apply to one recorded material. */
export function evaluateMaterialPolicies(
  deps: Deps,
  contract: Contract,
  contractName: string,
  material: { name: string; ev: Evaluated; annotations: Record<string, string> },
): PolicyEvaluation[] {
  const kind = material.ev.kind.kind;
  const applicable = resolveAll(deps, contract, contractName, "materials").filter((r) => appliesTo(r.attachment, r.policy, { name: material.name, kind }));
  if (applicable.length === 0) return [];
  const subject = materialSubject(material.ev, material.name, material.annotations);
  return applicable.map(({ attachment, policy }) =>
    toEvaluation(evaluateMaterialPolicy(policy, subject, evalOptions(deps, attachment.with)), attachment, material.name),
  );
}

/** `push`: the verdicts of the attestation attachments on the rendered statement (without these verdicts). */
export function evaluateAttestationPolicies(deps: Deps, contract: Contract, contractName: string, statement: unknown): PolicyEvaluation[] {
  return resolveAll(deps, contract, contractName, "attestation").map(({ attachment, policy }) =>
    toEvaluation(evaluateAttestationPolicy(policy, statement, evalOptions(deps, attachment.with)), attachment),
  );
}
