// The crafting steps of the CI machine against `cairn serve` (--control-plane URL --token T): the same observation,
// material and signing code as local mode; only the control-plane half goes over HTTP (src/remote/http-crafting.ts).
import { CairnError } from "../../errors.ts";
import { EMPTY_CONTRACT, type Contract } from "../../crafter/contract/types.ts";
import type { CraftingState } from "../../crafter/state/types.ts";
import type { CraftingDeps } from "./crafting-deps.ts";
import type { InitInput } from "./init.ts";
import { chooseContract } from "./init-contract.ts";
import { observe } from "./init-observe.ts";
import { checkVersion } from "./init-version.ts";
import { compileAttachedPolicies } from "./policies.ts";
import type { PushTarget } from "./push.ts";
import { runStateFor, type ResetInput, type ResetResult } from "./reset.ts";
import { remoteStateDryRun, type RemoteInitRequest, type StartOptions } from "./served-init.ts";

/** The control plane as the remote CLI's crafting commands see it. */
export interface CraftingControlPlane {
  /** The contract a run would use (undefined: a new workflow's empty contract). */
  preview(req: RemoteInitRequest): Promise<Contract | undefined>;
  start(req: RemoteInitRequest, opts: Omit<StartOptions, "scope">): Promise<{ state: CraftingState }>;
  /** Closes the run (failed/cancelled) and removes its remote state. */
  reset(runId: string, input: ResetInput): Promise<ResetResult>;
  push: PushTarget;
}

export interface RemoteInitInput extends InitInput {
  /** Keep the state on the control plane (`--remote-state`) instead of the local file. */
  remoteState: boolean;
}

/**
 * `attestation init` against a control plane: a contract file is read here and sent as text, a stored one is
 * previewed, runner/env/git are observed here (with the contract's rules checked), then the server records the run.
 * Without `remoteState` the state goes to the local file; if that write fails the run is reset, not left open.
 */
export async function initRemote(deps: CraftingDeps, cp: CraftingControlPlane, input: RemoteInitInput): Promise<CraftingState> {
  if (input.remoteState && input.dryRun) throw remoteStateDryRun();
  if (!input.remoteState && !input.replace && (await deps.state.exists())) {
    throw new CairnError("STATE_EXISTS", `an attestation is already in progress (${deps.state.path})`, {
      hint: "push or reset it first, or pass --replace to discard it",
    });
  }
  checkVersion(input);
  const choice = chooseContract(deps, input.contract, input.contractRevision);
  const req: RemoteInitRequest = {
    workflow: input.workflow,
    project: input.project,
    team: input.team,
    version: input.version,
    release: input.release,
    dryRun: input.dryRun,
    contractRevision: choice.revision,
    contractName: choice.name,
    contractText: choice.file?.body,
  };
  const contract = choice.file?.contract ?? (await cp.preview(req)) ?? EMPTY_CONTRACT;
  // Policies are resolved on this machine (files relative to its cwd), so a broken one fails here, before the run.
  await compileAttachedPolicies(deps, contract, contract.name ?? `${input.project}-${input.workflow}`, (m) => deps.reporter.warn(m));
  const observations = observe(deps.config, contract, input.dryRun, deps.reporter);
  const replaceRunId = !input.remoteState && input.replace ? await localRunId(deps) : undefined;
  const { state } = await cp.start(req, { observations, remoteState: input.remoteState, replaceRunId });
  if (!input.remoteState) await writeOrReset(deps, cp, state);
  return state;
}

async function localRunId(deps: CraftingDeps): Promise<string | undefined> {
  try {
    return (await deps.state.read()).workflow.runId;
  } catch {
    return undefined; // unreadable state: nothing to close
  }
}

async function writeOrReset(deps: CraftingDeps, cp: CraftingControlPlane, state: CraftingState): Promise<void> {
  try {
    await deps.state.write(state);
  } catch (e) {
    if (state.workflow.runId) await cp.reset(state.workflow.runId, { trigger: "failure", reason: "the local crafting state could not be written" }).catch(() => undefined);
    throw e;
  }
}

/** `attestation reset` against a control plane: the run is closed there, then the state (local or remote) is gone. */
export async function resetRemoteCrafting(deps: CraftingDeps, cp: CraftingControlPlane, input: ResetInput): Promise<ResetResult> {
  const state = await deps.state.read();
  const runId = state.workflow.runId;
  const result: ResetResult = !state.dryRun && runId ? await cp.reset(runId, input) : { runId, state: runStateFor(input.trigger) };
  await deps.state.remove();
  return result;
}
