// The control-plane half of `attestation init` as `cairn serve` runs it for a remote CLI (POST /api/v1/attestations/…).
import { CairnError } from "../../errors.ts";
import type { Contract } from "../../crafter/contract/types.ts";
import type { CraftingState } from "../../crafter/state/types.ts";
import type { Scope } from "../../store/ports.ts";
import type { ServiceDeps } from "../deps.ts";
import { commitInit, prepareInit, type RunRequest } from "./init.ts";
import { remoteChoice, unknownContract, type ContractChoice } from "./init-contract.ts";
import { checkRunnerAndEnv, type Observations } from "./init-observe.ts";
import { checkVersion } from "./init-version.ts";
import { checkContractChange, checkImplicitWorkflow } from "./init-authority.ts";

/** What the CLI sends: init's flags, with a contract file's text instead of its path. */
export interface RemoteInitRequest extends RunRequest {
  contractName?: string;
  contractText?: string;
  contractRevision?: number;
}

export interface StartOptions {
  observations: Observations;
  /** Keep the crafting state on the server (`--remote-state`): its id is the attestation id. */
  remoteState: boolean;
  /** The run of the CLI's local state that `--replace` discards; cancelled if it is initialized and in scope. */
  replaceRunId?: string;
  scope?: Scope;
}

/** The contract the run would use (undefined: the workflow's new empty one), so the CLI can check its rules. */
export async function previewRemoteInit(deps: ServiceDeps, req: RemoteInitRequest, scope?: Scope): Promise<{ contract: Contract | null }> {
  checkVersion(req);
  const choice = remoteChoice(req);
  await checkInitScope(deps, req, choice, scope);
  await checkAuthority(deps, req, choice);
  return { contract: (await prepareInit(deps, req, choice)).preview?.contract ?? null };
}

/** The role checks of init, read-only, so the CLI hears a refusal before it observes anything (init repeats them). */
async function checkAuthority(deps: ServiceDeps, req: RemoteInitRequest, choice: ContractChoice): Promise<void> {
  const org = await deps.repo.findOrg(deps.config.organization);
  const wf = org && await deps.repo.findWorkflow(org.id, req.project, req.workflow);
  if (!wf) await checkImplicitWorkflow(deps, org?.id, req.project, req.workflow);
  await checkContractChange(deps, org?.id, wf, choice, `${req.project}-${req.workflow}`);
}

/**
 * Records the run as local init does, after checking the contract's runner and env rules against what the CI
 * machine observed (the contract may have changed since the preview). With `remoteState` the state is stored in
 * the same transaction, at version 1.
 */
export async function startRemoteInit(deps: ServiceDeps, req: RemoteInitRequest, opts: StartOptions): Promise<{ state: CraftingState; stateVersion?: number }> {
  checkVersion(req);
  if (opts.remoteState && req.dryRun) throw remoteStateDryRun();
  const choice = remoteChoice(req);
  await checkInitScope(deps, req, choice, opts.scope);
  await checkAuthority(deps, req, choice);
  const prepared = await prepareInit(deps, req, choice);
  checkRunnerAndEnv(prepared.contract, opts.observations.runner, opts.observations.env, req.dryRun, deps.reporter);
  const state = await commitInit(deps, req, prepared, opts.observations, {
    replaceRunId: opts.replaceRunId && await visibleRun(deps, opts.replaceRunId, opts.scope) ? opts.replaceRunId : undefined,
    persist: opts.remoteState ? (s) => insertState(deps, s) : undefined,
  });
  return { state, ...(opts.remoteState && { stateVersion: 1 }) };
}

export function remoteStateDryRun(): CairnError {
  return new CairnError("USAGE", "--remote-state needs a recorded run, and --dry-run records none", { hint: "drop --dry-run, or keep the dry-run's state local (no --remote-state)" });
}

async function insertState(deps: ServiceDeps, s: CraftingState): Promise<void> {
  const org = (await deps.repo.findOrg(deps.config.organization))!; // ensured by the run just recorded
  await deps.states.insert({ id: s.attestationId, orgId: org.id, runId: s.workflow.runId!, state: JSON.stringify(s) }, s.initializedAt);
}

async function visibleRun(deps: ServiceDeps, runId: string, scope: Scope | undefined): Promise<boolean> {
  const org = await deps.repo.findOrg(deps.config.organization);
  return !!org && await deps.runs.get(org.id, runId, scope) !== undefined;
}

/**
 * A workflow token crafts only its workflow, a project token only in its project (it may create workflows there),
 * and a scoped token names only contracts it can see. Everything else is the same 404 whether it exists or not.
 */
async function checkInitScope(deps: ServiceDeps, req: RunRequest, choice: ContractChoice, scope: Scope | undefined): Promise<void> {
  if (!scope) return;
  const orgName = deps.config.organization;
  const org = await deps.repo.findOrg(orgName);
  const wf = org && await deps.workflows.getWorkflow(org.id, req.project, req.workflow);
  if (scope.workflowId !== undefined && wf?.id !== scope.workflowId) {
    throw new CairnError("NOT_FOUND", `workflow ${req.project}/${req.workflow} does not exist in organization ${orgName}`, {
      hint: "this token is scoped to one workflow: craft attestations of that one",
    });
  }
  const project = org && await deps.orgs.findProject(org.id, req.project);
  if (scope.projectId !== undefined && project?.id !== scope.projectId) {
    throw new CairnError("NOT_FOUND", `project ${req.project} does not exist in organization ${orgName}`, { hint: "this token is scoped to one project: craft there" });
  }
  // A file for a new workflow names the contract it adds a revision to: it must not be one of another scope.
  const named = choice.name ?? (!wf && choice.file ? (choice.file.contract.name ?? `${req.project}-${req.workflow}`) : undefined);
  if (named !== undefined && org && await deps.repo.findContractByName(org.id, named) && !await deps.workflows.getContract(org.id, named, scope)) {
    throw unknownContract(named, orgName);
  }
}
