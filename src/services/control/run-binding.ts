// Does a stored run row belong to the statement its attestation digest points at? The row is unsigned (anyone with
// write access to the SQLite file can edit it); the statement is signed. Used by `store fsck` (fsck-runs.ts) and
// `workflow run describe --verify` (runs.ts), so both refuse a row that another run's attestation was swapped into.
import { attestedRunState } from "../../crafter/policy/status.ts";
import { CairnError } from "../../errors.ts";
import { checkStatement, type CheckedStatement } from "./ingest-statement.ts";

/** The row fields a signed cairn statement also carries. */
export interface BoundRun {
  id: string;
  workflow: string;
  project: string;
  state: string;
}

/**
 * The first field on which the row and the signed statement disagree, as one sentence; undefined when they agree.
 * Compared: the run id, workflow name, project, dry-run (never stored) and the state: a run with an attestation is
 * succeeded or blocked, and which of the two is the statement's (predicate.policyBlocked).
 */
export function runStatementMismatch(run: BoundRun, checked: CheckedStatement): string | undefined {
  const m = checked.metadata;
  const fields: [string, unknown, unknown][] = [
    ["workflowRunID", m.workflowRunID, run.id],
    ["workflowName", m.workflowName, run.workflow],
    ["project", m.project, run.project],
    ["dryRun", m.dryRun, false],
  ];
  for (const [field, signed, row] of fields) {
    if (signed !== row) return `the signed ${field} is ${JSON.stringify(signed)}, but run ${run.id} says ${JSON.stringify(row)}`;
  }
  const signedState = attestedRunState(checked.statement);
  if (run.state !== signedState) return `the signed statement makes the run ${signedState}, but run ${run.id} is ${run.state}`;
  return undefined;
}

/**
 * `workflow run describe --verify`: a verified signature says nothing of the run row that points at it, so the signed
 * statement must be this run's (VERIFY_FAILED naming the field otherwise), or another run's attestation is shown as
 * this one's.
 */
export function assertRunStatement(run: BoundRun, digest: string, payloadType: string, payload: Uint8Array): void {
  const mismatch = runStatementMismatch(run, checkStatement(payloadType, payload));
  if (mismatch) {
    throw new CairnError("VERIFY_FAILED", `attestation ${digest} is not workflow run ${run.id}'s: ${mismatch}`, {
      hint: "the store's run row was changed after the attestation was pushed; `cairn store fsck` lists every such run",
    });
  }
}
