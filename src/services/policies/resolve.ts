/**
 * A contract's policy attachment → the compiled policy: inline (`embedded:`), `builtin:NAME`, a policy file relative
 * to the working directory, or a bare name (DNS-1123, no extension or prefix): the latest revision in the policy
 * store of the current organization. Any reference may end in `@sha256:<hex>`, which must equal the resolved
 * policy's digest (sha256 of its source text). The one place attachments are resolved, so the crafting services,
 * `check` and the server agree on what a reference means.
 */
import { CairnError } from "../../errors.ts";
import type { PolicyAttachment } from "../../crafter/contract/types.ts";
import type { CompiledPolicy } from "../../crafter/policy/types.ts";
import type { PolicyRepo } from "../../store/policy-port.ts";
import type { ControlPlaneRepo } from "../../store/ports.ts";
import { loadEmbeddedPolicy, loadPolicy } from "./load.ts";
import { loadStoredPolicy } from "./store.ts";

/**
 * The store fields are optional: the crafting steps may run on a CI machine against `cairn serve` with no local
 * store (CraftingDeps); there a stored name cannot be resolved and says so.
 */
export interface ResolveDeps {
  config: { cwd: string; organization?: string };
  repo?: Pick<ControlPlaneRepo, "findOrg">;
  policies?: PolicyRepo;
}

const STORED_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DIGEST_SUFFIX = /@(sha256:[0-9a-f]{64})$/;

/** Errors name the policy reference; callers prefix the contract and the attachment's position (crafting/policies.ts). */
export async function resolveAttachedPolicy(deps: ResolveDeps, attachment: PolicyAttachment, contractSource: string): Promise<CompiledPolicy> {
  if (attachment.embedded) return loadEmbeddedPolicy(attachment.embedded, `${contractSource} (embedded policy)`);
  const { ref, pinned } = splitDigest(attachment.ref!);
  const policy = STORED_NAME.test(ref) ? await storedPolicy(deps, ref) : loadPolicy(ref, deps.config.cwd);
  if (pinned !== undefined && policy.digest !== pinned) {
    throw new CairnError("POLICY_INVALID", `policy ${ref} is pinned to ${pinned} but resolves to ${policy.digest}`, {
      hint: "update the @sha256: digest in the contract to the policy you mean (see `cairn policy describe`), or restore that policy",
    });
  }
  return policy;
}

/** `ref@sha256:<hex>` → the ref and the pinned digest; a malformed pin is an error, not part of a file name. */
function splitDigest(full: string): { ref: string; pinned?: string } {
  const m = DIGEST_SUFFIX.exec(full);
  if (m) return { ref: full.slice(0, m.index), pinned: m[1] };
  if (/@sha256:/.test(full)) {
    throw new CairnError("POLICY_INVALID", `policy reference ${full} has a malformed digest`, {
      hint: "write the pin as REF@sha256:<64 lowercase hex digits>",
    });
  }
  return { ref: full };
}

async function storedPolicy(deps: ResolveDeps, name: string): Promise<CompiledPolicy> {
  const { repo, policies } = deps;
  const organization = deps.config.organization;
  if (!repo || !policies || organization === undefined) {
    throw new CairnError("USAGE", `policy ${name} names a stored policy, which is only resolved where the store is`, {
      hint: "reference the policy by file path or builtin:NAME in this contract, or run the attestation against the local store",
    });
  }
  return await loadStoredPolicy({ config: { organization }, repo, policies }, name);
}
