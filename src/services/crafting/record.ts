// Storing a signed attestation: the one path shared by local `attestation push` and the server's verified ingest.
import { CairnError } from "../../errors.ts";
import { attestedRunState, statementVerdict } from "../../crafter/policy/status.ts";
import { attestationGraph, type AttestationMeta } from "../../crafter/referrers.ts";
import type { Statement } from "../../crafter/statement.ts";
import type { BlobRef, WorkflowRun } from "../../store/ports.ts";
import { mapAttestation } from "../cas-mappings.ts";
import { actorLabel } from "../control/roles.ts";
import type { ServiceDeps } from "../deps.ts";
import { enqueueEvent, type EventFields } from "../webhooks/events.ts";
import { policyRunReason } from "./gate.ts";

export interface AttestationToRecord {
  /** The statement inside `bundle` (for the referrer graph). */
  statement: Statement;
  /** The exact bundle bytes; their sha256 is the attestation's digest. */
  bundle: Uint8Array;
  runId: string;
  workflowId: string;
  /** Names for the referrer graph (everything but the run id and time, which are given here). */
  meta: Omit<AttestationMeta, "runId" | "createdAt">;
  /** The project version to mark released (a push of an `init --release` run). */
  releaseVersionId?: string;
  /** Who pushed it, when not the deps' actor (tests): by default `token:<name>` through cairn serve, `local` otherwise. */
  pushedBy?: string;
  now: string;
}

/**
 * Why a run cannot take an attestation, or undefined when it can (it is initialized). The rule both push paths
 * share; callers add their own hint.
 */
export function runClosedReason(run: Pick<WorkflowRun, "state" | "reason">): string | undefined {
  if (run.state === "expired") return `expired before it was pushed (${run.reason ?? "run TTL passed"})`;
  if (run.state !== "initialized") return `is already ${run.state}`;
  return undefined;
}

/**
 * Puts the bundle in the CAS, then in one transaction: the attestation row, its referrer graph, the run finished
 * `succeeded` with the bundle's digest and its policy verdict (`blocked`, reason "blocked: …", when a policy gate
 * was violated), and the project version released when asked. The run is re-read inside the
 * transaction, so of two concurrent pushes for one run only the first is recorded (the other gets STATE_INVALID).
 */
export async function recordAttestation(deps: ServiceDeps, a: AttestationToRecord): Promise<BlobRef> {
  const ref = await deps.blobs.putBytes(a.bundle);
  const graph = attestationGraph(a.statement, ref.digest, { ...a.meta, runId: a.runId, createdAt: a.now });
  await deps.repo.transaction(async () => {
    const run = await deps.repo.lockRun(a.runId);
    if (!run) throw new CairnError("NOT_FOUND", `workflow run ${a.runId} does not exist`);
    const closed = runClosedReason(run);
    if (closed) throw new CairnError("STATE_INVALID", `workflow run ${a.runId} ${closed}`, { details: { state: run.state } });
    await deps.repo.insertAttestation({
      digest: ref.digest,
      orgId: run.orgId,
      runId: a.runId,
      workflowId: a.workflowId,
      predicateType: a.statement.predicateType,
      size: ref.size,
      createdAt: a.now,
    });
    await deps.referrers.index(run.orgId, graph, a.now);
    await mapAttestation(deps, run.orgId, graph, a.workflowId, "attestation", a.now);
    // A blocked attestation is stored like any other; the run is `blocked`, its reason says why (or that a gate was bypassed).
    const attested = { policyStatus: statementVerdict(a.statement), pushedBy: a.pushedBy ?? actorLabel(deps.actor) };
    const state = attestedRunState(a.statement);
    await deps.repo.finishRun(a.runId, state, a.now, policyRunReason(a.statement), ref.digest, attested);
    if (a.releaseVersionId) await deps.repo.releaseProjectVersion(a.releaseVersionId, a.now);
    // Webhooks: in this transaction, so a delivery exists exactly when the attestation was stored.
    const fields: EventFields = {
      organization: a.meta.organization,
      project: a.meta.project,
      workflow: a.meta.workflow,
      run: { id: a.runId, state, policyStatus: attested.policyStatus },
      digests: { attestation: ref.digest },
    };
    await enqueueEvent(deps, run.orgId, "attestation.pushed", fields);
    if (state === "blocked") await enqueueEvent(deps, run.orgId, "run.blocked", fields);
  });
  return ref;
}
