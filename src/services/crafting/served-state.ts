// Remote crafting states as `cairn serve` keeps them (GET/PUT/DELETE /api/v1/attestations/{id}/state), and reset.
import { CairnError } from "../../errors.ts";
import type { CraftingState } from "../../crafter/state/types.ts";
import type { Scope } from "../../store/ports.ts";
import type { VersionedState } from "../../store/state-port.ts";
import { missingRemoteState } from "../../store/sqlite/state-repo.ts";
import { decodeState } from "../../store/versioned-state.ts";
import type { ServiceDeps } from "../deps.ts";
import { closeRun, runStateFor, type ResetInput, type ResetResult } from "./reset.ts";

/** The state row of attestation `id` in this organization whose run is in the token's scope; else STATE_MISSING. */
export async function visibleRow(deps: ServiceDeps, id: string, scope: Scope | undefined) {
  const org = await deps.repo.findOrg(deps.config.organization);
  const row = org && await deps.states.get(org.id, id);
  if (!org || !row || !await deps.runs.get(org.id, row.runId, scope)) throw missingRemoteState(id);
  return row;
}

export async function readRemoteState(deps: ServiceDeps, id: string, scope?: Scope): Promise<VersionedState> {
  const row = await visibleRow(deps, id, scope);
  return { state: decodeState(row.state, `attestation ${id}`), version: row.version };
}

/**
 * Compare-and-swap: the write lands only if the state is still at `ifMatch`; otherwise STATE_CONFLICT (412) and the
 * client re-reads. The state must stay the same attestation of the same run.
 */
export async function writeRemoteState(deps: ServiceDeps, id: string, body: string, ifMatch: number, scope?: Scope): Promise<number> {
  const row = await visibleRow(deps, id, scope);
  const state: CraftingState = decodeState(body, `attestation ${id}`);
  if (state.attestationId !== id || state.workflow?.runId !== row.runId || state.dryRun) {
    throw new CairnError("USAGE", `the state sent is not the state of attestation ${id} (attestationId, workflow.runId or dryRun differ)`, {
      hint: "send back the state GET returned, changed only by crafting steps",
    });
  }
  const version = await deps.states.swap(row.orgId, id, ifMatch, JSON.stringify(state), deps.clock.now().toISOString());
  if (version === undefined) throw staleVersion(id, ifMatch);
  return version;
}

function staleVersion(id: string, ifMatch: number): CairnError {
  return new CairnError("STATE_CONFLICT", `the crafting state of attestation ${id} is no longer at version ${ifMatch}: another job changed it`, {
    hint: "read it again (GET) and re-apply the change; the CLI does this by itself",
  });
}

/** Idempotent for a run the token sees: its state may already be gone (pushed, reset). */
export async function removeRemoteState(deps: ServiceDeps, id: string, scope?: Scope): Promise<void> {
  await deps.states.delete(await stateRunOrg(deps, id, scope), id);
}

/** The organization id when attestation `id`'s run (or, its state gone, the run of that id) is in the scope; else STATE_MISSING. */
export async function stateRunOrg(deps: ServiceDeps, id: string, scope?: Scope): Promise<string> {
  const org = await deps.repo.findOrg(deps.config.organization);
  const row = org && await deps.states.get(org.id, id);
  const runId = row?.runId ?? id;
  if (!org || !await deps.runs.get(org.id, runId, scope)) throw missingRemoteState(id);
  return org.id;
}

/** `DELETE /api/v1/attestations/{id}`: the remote `attestation reset` — the run closed as local reset does, the state gone. */
export async function resetRemote(deps: ServiceDeps, runId: string, input: ResetInput, scope?: Scope): Promise<ResetResult> {
  const orgId = await resettableRunOrg(deps, runId, scope);
  const state = runStateFor(input.trigger);
  await deps.repo.transaction(async () => {
    await closeRun(deps, runId, state, input.reason);
    await deps.states.delete(orgId, runId);
  });
  return { runId, state };
}

/** The organization id when run `runId` is in this organization and the scope; else NOT_FOUND, the same either way. */
export async function resettableRunOrg(deps: ServiceDeps, runId: string, scope?: Scope): Promise<string> {
  const org = await deps.repo.findOrg(deps.config.organization);
  if (!org || !await deps.runs.get(org.id, runId, scope)) {
    throw new CairnError("NOT_FOUND", `workflow run ${runId} does not exist in organization ${deps.config.organization}`, {
      hint: "reset on the control plane the attestation was initialized on, with a token of its organization",
    });
  }
  return org.id;
}
