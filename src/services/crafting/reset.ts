import type { ServiceDeps } from "../deps.ts";

export interface ResetInput {
  trigger: "failure" | "cancellation";
  reason?: string;
}

/** `attestation reset`: marks the run failed or cancelled (not in dry-run) and discards the crafting state. */
export function resetAttestation(deps: ServiceDeps, input: ResetInput): { runId?: string; state: "failed" | "cancelled" } {
  const state = deps.state.read();
  const runState = input.trigger === "cancellation" ? "cancelled" : "failed";
  const runId = state.workflow.runId;
  if (!state.dryRun && runId) {
    const run = deps.repo.getRun(runId);
    if (run?.state === "initialized") {
      deps.repo.finishRun(runId, runState, deps.clock.now().toISOString(), input.reason ?? null, null);
    } else if (!run) {
      deps.reporter.warn(`workflow run ${runId} is not in this store; only the local state was discarded`);
    }
  }
  deps.state.remove();
  return { runId, state: runState };
}
