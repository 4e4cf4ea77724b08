import { existsSync } from "node:fs";
import { CairnError } from "../../errors.ts";
import { EMPTY_CONTRACT, type Contract } from "../../crafter/contract/types.ts";
import { detectRunner } from "../../crafter/runners/registry.ts";
import { STATE_VERSION, type CraftingState } from "../../crafter/state/types.ts";
import type { Workflow } from "../../store/ports.ts";
import { revisionContract } from "../contracts.ts";
import type { ServiceDeps } from "../deps.ts";
import { readGitHead } from "../git.ts";
import { chooseContract, previewContract, resolveRevision, type ContractChoice } from "./init-contract.ts";
import { checkVersion, dryRunVersion, recordVersion } from "./init-version.ts";

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

/**
 * `attestation init`: resolves the contract, checks the runner and the env allow-list, records git HEAD,
 * creates project/version/workflow/contract revision/run in the store (not in dry-run) and writes the crafting state.
 * The run and the state file are written in one transaction: either both exist afterwards or neither.
 */
export async function initAttestation(deps: ServiceDeps, input: InitInput): Promise<CraftingState> {
  const { config, repo, state: stateFile, reporter } = deps;
  if (stateFile.exists() && !input.replace) {
    throw new CairnError("STATE_EXISTS", `an attestation is already in progress (${stateFile.path})`, {
      hint: "push or reset it first, or pass --replace to discard it",
    });
  }
  checkVersion(input);
  const choice = chooseContract(deps, input.contract, input.contractRevision);
  const preview = previewContract(deps, existingWorkflow(deps, input), choice);

  const runner = detectRunner(config.env, { tektonResults: existsSync("/tekton/results") });
  const contractForChecks = preview?.contract ?? EMPTY_CONTRACT;
  const required = contractForChecks.runner;
  if (required && required !== "RUNNER_TYPE_UNSPECIFIED" && required !== runner.type) {
    const msg = `the contract requires runner ${required}, but this is ${runner.type === "RUNNER_TYPE_UNSPECIFIED" ? "not a known CI runner" : runner.type}`;
    if (!input.dryRun) throw new CairnError("RUNNER_MISMATCH", msg, { hint: "run it in that CI system, or use --dry-run to try it locally" });
    reporter.warn(`${msg} (ignored in dry-run)`);
  }
  if (runner.missing.length > 0) reporter.warn(`runner ${runner.type} is missing variables: ${runner.missing.join(", ")}`);
  const env = { ...runner.env, ...allowListed(contractForChecks, config.env, input.dryRun, reporter) };
  const git = readGitHead(config.cwd);
  const now = deps.clock.now().toISOString();

  const replaced = input.replace ? previousRun(deps) : undefined;
  return repo.transaction(() => {
    if (replaced) repo.finishRun(replaced, "cancelled", now, "replaced by a new attestation (init --replace)", null);
    const state = input.dryRun
      ? dryRunState(deps, input, contractForChecks, choice, preview?.revision?.revision)
      : recordRun(deps, input, choice, runner.type, runner.url, now);
    const full: CraftingState = { ...state, runner: { type: runner.type, url: runner.url }, env, git, initializedAt: now };
    stateFile.write(full); // inside the transaction: if this fails, the run is rolled back
    return full;
  });
}

/** The still-open run of a state being replaced, so --replace does not leave it initialized forever. */
function previousRun(deps: ServiceDeps): string | undefined {
  let runId: string | undefined;
  try {
    runId = deps.state.read().workflow.runId;
  } catch {
    return undefined; // unreadable state: nothing to close
  }
  return runId && deps.repo.getRun(runId)?.state === "initialized" ? runId : undefined;
}

type PartialState = Omit<CraftingState, "runner" | "env" | "git" | "initializedAt">;

function recordRun(deps: ServiceDeps, input: InitInput, choice: ContractChoice, runnerType: string, runnerUrl: string | undefined, now: string): PartialState {
  const { repo, config } = deps;
  const org = repo.ensureOrg(config.organization, now);
  const project = repo.ensureProject(org.id, input.project, now);
  let workflow = repo.findWorkflow(org.id, input.project, input.workflow);
  const revision = resolveRevision(deps, org.id, workflow, choice, `${input.project}-${input.workflow}`, now);
  workflow ??= repo.createWorkflow(
    { orgId: org.id, projectId: project.id, name: input.workflow, team: input.team ?? null, description: null, contractId: revision.contractId },
    now,
  );
  const latest = repo.latestRevision(workflow.contractId)!;
  const projectVersion = recordVersion(deps, project.id, input, now);
  const runId = crypto.randomUUID();
  repo.createRun({
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
      ...(projectVersion && { projectVersion }),
    },
    contract: choice.file?.contract ?? revisionContract(revision),
    materials: {},
  };
}

function dryRunState(deps: ServiceDeps, input: InitInput, contract: Contract, choice: ContractChoice, revision: number | undefined): PartialState {
  const projectVersion = dryRunVersion(deps, input);
  return {
    version: STATE_VERSION,
    attestationId: crypto.randomUUID(),
    dryRun: true,
    workflow: {
      name: input.workflow,
      project: input.project,
      team: input.team,
      organization: deps.config.organization,
      contractName: choice.file?.contract.name ?? choice.name ?? existingWorkflow(deps, input)?.contractName ?? `${input.project}-${input.workflow}`,
      contractRevision: revision ?? 0,
      contractRevisionLatest: revision ?? 0,
      ...(projectVersion && { projectVersion }),
    },
    contract,
    materials: {},
  };
}

/** The workflow as stored, read-only (for checks and dry-runs). */
function existingWorkflow(deps: ServiceDeps, input: InitInput): Workflow | undefined {
  const org = deps.repo.findOrg(deps.config.organization);
  return org && deps.repo.findWorkflow(org.id, input.project, input.workflow);
}

function allowListed(contract: Contract, env: Record<string, string | undefined>, dryRun: boolean, reporter: ServiceDeps["reporter"]): Record<string, string> {
  const out: Record<string, string> = {};
  const missing = contract.envAllowList.filter((name) => env[name] === undefined);
  for (const name of contract.envAllowList) if (env[name] !== undefined) out[name] = env[name]!;
  if (missing.length > 0) {
    const msg = `the contract requires environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
    if (!dryRun) throw new CairnError("ENV_MISSING", msg, { hint: "set them in the job, or remove them from the contract's envAllowList", details: { missing } });
    reporter.warn(`${msg} (ignored in dry-run)`);
  }
  return out;
}
