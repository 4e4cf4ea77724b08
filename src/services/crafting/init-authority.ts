// What a token below maintainer (an attestor: CI) may do at `att init` on `cairn serve`. Local mode has no actor: one
// person's machine, where roles do not apply.
import { CairnError } from "../../errors.ts";
import type { Workflow } from "../../store/ports.ts";
import type { ServiceDeps } from "../deps.ts";
import { roleAtLeast } from "../control/roles.ts";
import type { ContractChoice } from "./init-contract.ts";

const restricted = (deps: ServiceDeps) => deps.actor !== undefined && !roleAtLeast(deps.actor.role, "maintainer");

/**
 * An attestor never creates or changes a revision of an existing contract: a `--contract FILE` must equal the revision
 * in force (then it changes nothing) or name a contract that does not exist yet (the first revision of a new one).
 */
export async function checkContractChange(deps: ServiceDeps, orgId: string | undefined, wf: Workflow | undefined, choice: ContractChoice, defaultName: string): Promise<void> {
  if (!restricted(deps) || !choice.file) return;
  const name = wf?.contractName ?? choice.file.contract.name ?? defaultName;
  const contract = orgId === undefined ? undefined : await deps.repo.findContractByName(orgId, name);
  const latest = contract && await deps.repo.latestRevision(contract.id);
  if (!latest || latest.digest === choice.file.digest) return;
  throw new CairnError("FORBIDDEN", `contract ${name} is at revision ${latest.revision}, and the --contract file differs from it: an ${deps.actor!.role} token cannot change a contract`, {
    hint: `drop --contract to attest against revision ${latest.revision}, or ask a maintainer to run \`cairn workflow contract update --name ${name} -f FILE\``,
    details: { contract: name, revision: latest.revision, needed: "maintainer", role: deps.actor!.role },
  });
}

/** An attestor creates a missing workflow only when its organization allows implicit workflows (the default). */
export async function checkImplicitWorkflow(deps: ServiceDeps, orgId: string | undefined, project: string, workflow: string): Promise<void> {
  if (!restricted(deps) || orgId === undefined || await deps.orgs.implicitWorkflows(orgId)) return;
  throw new CairnError("FORBIDDEN", `workflow ${project}/${workflow} does not exist, and organization ${deps.config.organization} does not let attestors create workflows`, {
    hint: `ask a maintainer to create it (\`cairn workflow create --name ${workflow} --project ${project} --contract NAME\`), or an admin to allow it (\`cairn org update --implicit-workflows on\`)`,
    details: { needed: "maintainer", role: deps.actor!.role },
  });
}

/** Whether a workflow created now is implicit: made by an attestor's `att init`, not by a maintainer. */
export const createsImplicitly = restricted;
