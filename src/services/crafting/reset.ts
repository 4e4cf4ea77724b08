import type { ServiceDeps } from "../deps.ts";
import { enqueueEvent } from "../webhooks/events.ts";

export interface ResetInput {
  trigger: "failure" | "cancellation";
  reason?: string;
}

export interface ResetResult {
  runId?: string;
  state: "failed" | "cancelled";
}

export const runStateFor = (trigger: ResetInput["trigger"]): ResetResult["state"] => (trigger === "cancellation" ? "cancelled" : "failed");

/** `attestation reset`: marks the run failed or cancelled (not in dry-run) and discards the crafting state. */
export async function resetAttestation(deps: ServiceDeps, input: ResetInput): Promise<ResetResult> {
  const state = deps.state.read();
  const runState = runStateFor(input.trigger);
  const runId = state.workflow.runId;
  if (!state.dryRun && runId && !(await closeRun(deps, runId, runState, input.reason))) {
    deps.reporter.warn(`workflow run ${runId} is not in this store; only the local state was discarded`);
  }
  deps.state.remove();
  return { runId, state: runState };
}

/**
 * The rule local reset and the server's `DELETE /api/v1/attestations/{id}` share: an initialized run is finished
 * in the given state (a failed one enqueues `run.failed` for webhooks, in the same transaction); a run already
 * finished stays as it is. False when the run does not exist.
 */
export async function closeRun(deps: ServiceDeps, runId: string, runState: ResetResult["state"], reason: string | undefined): Promise<boolean> {
  return await deps.repo.transaction(async () => {
    const run = await deps.repo.lockRun(runId);
    if (run?.state !== "initialized") return run !== undefined;
    await deps.repo.finishRun(runId, runState, deps.clock.now().toISOString(), reason ?? null, null);
    if (runState === "failed") {
      await enqueueEvent(deps, run.orgId, "run.failed", async () => {
        const v = await deps.runs.get(run.orgId, runId);
        return { organization: deps.config.organization, project: v?.project, workflow: v?.workflow, run: { id: runId, state: runState } };
      });
    }
    return true;
  });
}
