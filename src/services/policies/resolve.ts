/**
 * A contract's policy attachment → the compiled policy: inline (`embedded:`), `builtin:NAME`, or a policy file
 * relative to the working directory. The one place attachments are resolved, so the crafting services, `check` and
 * the server agree on what a reference means.
 */
import type { PolicyAttachment } from "../../crafter/contract/types.ts";
import type { CompiledPolicy } from "../../crafter/policy/types.ts";
import { loadEmbeddedPolicy, loadPolicy } from "./load.ts";

export interface ResolveDeps {
  config: { cwd: string };
}

export function resolveAttachedPolicy(deps: ResolveDeps, attachment: PolicyAttachment, contractSource: string): CompiledPolicy {
  if (attachment.embedded) return loadEmbeddedPolicy(attachment.embedded, `${contractSource} (embedded policy)`);
  return loadPolicy(attachment.ref!, deps.config.cwd);
}
