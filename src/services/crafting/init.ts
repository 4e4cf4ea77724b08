import { CairnError } from "../../errors.ts";
import { EMPTY_CONTRACT, type Contract } from "../../crafter/contract/types.ts";
import { STATE_VERSION, type ContractNotice, type CraftingState } from "../../crafter/state/types.ts";
import { contractBodyDigest } from "../../crafter/statement.ts";
import type { ContractRevision, Workflow } from "../../store/ports.ts";
import { revisionContract } from "../contracts.ts";
import type { ServiceDeps } from "../deps.ts";
import { chooseContract, previewContract, resolveRevision, type ContractChoice } from "./init-contract.ts";
import { observe, type Observations } from "./init-observe.ts";
import { checkVersion, dryRunVersion, recordVersion } from "./init-version.ts";
import { checkImplicitWorkflow, createsImplicitly } from "./init-authority.ts";
import { actorLabel } from "../control/roles.ts";
import { compileAttachedPolicies } from "./policies.ts";
import { contractNotice } from "./init-notice.ts";

export interface InitInput {
  workflow: string;
  project: string;
  team?: string;
  /** `--contract NAME|FILE`: a contract file, or the name of a stored contract. */
  contract?: string;
  /** `--contract-revision N`: pin a stored revision instead of the latest. */
  contractRevision?: number;
  /** `--version`: the project version this run belongs to (created when missing). */
  version?: string;
  /** `--release`: the push marks the version released. */
  release?: boolean;
  dryRun: boolean;
  replace: boolean;
}

/** What the control-plane half of init needs besides the contract choice. */
export type RunRequest = Pick<InitInput, "workflow" | "project" | "team" | "version" | "release" | "dryRun">;

/** The contract the run will use, resolved read-only before anything is observed or written. */
export interface PreparedInit {
  choice: ContractChoice;
  preview?: { contract: Contract; revision?: ContractRevision };
  /** The contract the runner/env rules are checked against. */
  contract: Contract;
}

/**
 * `attestation init`, local: resolves the contract, observes runner/env/git (checking the contract's rules), then
 * records project/version/workflow/contract revision/run and writes the crafting state. The run and the state file
 * are written in one transaction: either both exist afterwards or neither.
 */
export async function initAttestation(deps: ServiceDeps, input: InitInput): Promise<CraftingState> {
  if (deps.state.exists() && !input.replace) {
    throw new CairnError("STATE_EXISTS", `an attestation is already in progress (${deps.state.path})`, {
      hint: "push or reset it first, or pass --replace to discard it",
    });
  }
  checkVersion(input);
  const prepared = await prepareInit(deps, input, chooseContract(deps, input.contract, input.contractRevision));
  await compileAttachedPolicies(deps, prepared.contract, prepared.contract.name ?? `${input.project}-${input.workflow}`, (m) => deps.reporter.warn(m));
  const seen = observe(deps.config, prepared.contract, input.dryRun, deps.reporter);
  const replaceRunId = input.replace ? previousRunId(deps) : undefined;
  return commitInit(deps, input, prepared, seen, { replaceRunId, persist: (s) => deps.state.write(s) });
}

/** The control-plane half, read-only: which contract (and revision) the run would use. */
export async function prepareInit(deps: ServiceDeps, input: Pick<InitInput, "workflow" | "project">, choice: ContractChoice): Promise<PreparedInit> {
  const preview = await previewContract(deps, await existingWorkflow(deps, input), choice);
  return { choice, preview, contract: preview?.contract ?? EMPTY_CONTRACT };
}

export interface CommitOptions {
  /** A run to cancel in the same transaction (`--replace`), if it is still initialized. */
  replaceRunId?: string;
  /** Stores the state inside the transaction: when it throws, the run is rolled back. */
  persist?: (state: CraftingState) => void | Promise<void>;
}

/** The control-plane half that writes: the run (not in dry-run) and the full crafting state, in one transaction. */
export async function commitInit(deps: ServiceDeps, input: RunRequest, prepared: PreparedInit, seen: Observations, opts: CommitOptions = {}): Promise<CraftingState> {
  const { repo } = deps;
  const now = deps.clock.now().toISOString();
  return await repo.transaction(async () => {
    if (opts.replaceRunId && (await repo.getRun(opts.replaceRunId))?.state === "initialized") {
      await repo.finishRun(opts.replaceRunId, "cancelled", now, "replaced by a new attestation (init --replace)", null);
    }
    const state = input.dryRun
      ? await dryRunState(deps, input, prepared.contract, prepared.choice, prepared.preview?.revision)
      : await recordRun(deps, input, prepared.choice, seen.runner.type, seen.runner.url, now);
    const full: CraftingState = { ...state, runner: seen.runner, env: seen.env, git: seen.git, initializedAt: now };
    await opts.persist?.(full);
    return full;
  });
}

/** The run of a local state being replaced, so --replace does not leave it initialized forever. */
function previousRunId(deps: ServiceDeps): string | undefined {
  try {
    return deps.state.read().workflow.runId;
  } catch {
    return undefined; // unreadable state: nothing to close
  }
}

type PartialState = Omit<CraftingState, "runner" | "env" | "git" | "initializedAt">;

async function recordRun(deps: ServiceDeps, input: RunRequest, choice: ContractChoice, runnerType: string, runnerUrl: string | undefined, now: string): Promise<PartialState> {
  const { repo, config } = deps;
  const org = await repo.ensureOrg(config.organization, now);
  const project = await repo.ensureProject(org.id, input.project, now);
  await repo.lockName("workflow", org.id, input.project, input.workflow); // a find-or-create on every replica
  let workflow = await repo.findWorkflow(org.id, input.project, input.workflow);
  if (!workflow) await checkImplicitWorkflow(deps, org.id, input.project, input.workflow);
  const revision = await resolveRevision(deps, org.id, workflow, choice, `${input.project}-${input.workflow}`, now);
  workflow ??= await repo.createWorkflow(
    {
      orgId: org.id,
      projectId: project.id,
      name: input.workflow,
      team: input.team ?? null,
      description: null,
      contractId: revision.contractId,
      createdBy: actorLabel(deps.actor),
      implicit: createsImplicitly(deps),
    },
    now,
  );
  const latest = (await repo.latestRevision(workflow.contractId))!;
  const projectVersion = await recordVersion(deps, project.id, input, now);
  const runId = crypto.randomUUID();
  await repo.createRun({
    id: runId,
    orgId: org.id,
    workflowId: workflow.id,
    runnerType,
    runnerUrl: runnerUrl ?? null,
    contractRevisionUsed: revision.revision,
    contractRevisionLatest: latest.revision,
    projectVersionId: projectVersion?.id ?? null,
    createdAt: now,
  });
  return {
    version: STATE_VERSION,
    attestationId: runId,
    dryRun: false,
    workflow: {
      name: workflow.name,
      project: workflow.project,
      team: workflow.team ?? undefined,
      organization: org.name,
      workflowId: workflow.id,
      runId,
      contractName: revision.contractName,
      contractRevision: revision.revision,
      contractRevisionLatest: latest.revision,
      contractDigest: contractBodyDigest(revision.body),
      ...(projectVersion && { projectVersion }),
    },
    contract: choice.file?.contract ?? revisionContract(revision),
    materials: {},
    ...withNotice(await contractNotice(deps, workflow, revision)),
  };
}

async function dryRunState(deps: ServiceDeps, input: RunRequest, contract: Contract, choice: ContractChoice, stored: ContractRevision | undefined): Promise<PartialState> {
  const projectVersion = await dryRunVersion(deps, input);
  const revision = stored?.revision;
  return {
    version: STATE_VERSION,
    attestationId: crypto.randomUUID(),
    dryRun: true,
    workflow: {
      name: input.workflow,
      project: input.project,
      team: input.team,
      organization: deps.config.organization,
      contractName: choice.file?.contract.name ?? choice.name ?? (await existingWorkflow(deps, input))?.contractName ?? `${input.project}-${input.workflow}`,
      contractRevision: revision ?? 0,
      contractRevisionLatest: revision ?? 0,
      ...(projectVersion && { projectVersion }),
    },
    contract,
    materials: {},
    ...withNotice(await contractNotice(deps, await existingWorkflow(deps, input), stored)),
  };
}

function withNotice(notice: ContractNotice | undefined): { contractChanges?: ContractNotice } {
  return notice ? { contractChanges: notice } : {};
}

/** The workflow as stored, read-only (for checks and dry-runs). */
export async function existingWorkflow(deps: ServiceDeps, input: Pick<InitInput, "workflow" | "project">): Promise<Workflow | undefined> {
  const org = await deps.repo.findOrg(deps.config.organization);
  return org && await deps.repo.findWorkflow(org.id, input.project, input.workflow);
}
