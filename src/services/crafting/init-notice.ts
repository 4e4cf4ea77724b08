// The change notice of `attestation init`: what the contract revision in force changed since the workflow's last finished run.
import { diffContracts, renderContractChanges } from "../../crafter/contract/diff.ts";
import type { ContractNotice } from "../../crafter/state/types.ts";
import type { ContractRevision, Workflow } from "../../store/ports.ts";
import { revisionContract } from "../contracts.ts";
import type { ServiceDeps } from "../deps.ts";

/**
 * The notice for a run of `wf` on `revision`, or undefined: a new workflow, no finished run yet, the same revision
 * as the last finished run, or that run on another contract's revision that is gone.
 */
export async function contractNotice(deps: Pick<ServiceDeps, "repo">, wf: Workflow | undefined, revision: ContractRevision | undefined): Promise<ContractNotice | undefined> {
  if (!wf || !revision || revision.contractId !== wf.contractId) return undefined;
  const last = await deps.repo.lastFinishedRun(wf.id);
  if (!last || last.contractRevisionUsed === revision.revision) return undefined;
  const old = await deps.repo.getRevision(wf.contractId, last.contractRevisionUsed);
  if (!old) return undefined;
  return {
    contractName: revision.contractName,
    fromRevision: old.revision,
    toRevision: revision.revision,
    createdBy: revision.createdBy,
    createdAt: revision.createdAt,
    changes: diffContracts(revisionContract(old), revisionContract(revision)),
  };
}

/**
 * The notice as printed before the materials table.
 * @example noticeLines(n) // ["contract build revised to revision 3 by token:secops at 2026-12-03T10:00:00Z (the last finished run used revision 2)", "  + material sbom (SBOM_CYCLONEDX_JSON), required"]
 */
export function noticeLines(n: ContractNotice): string[] {
  const verb = n.toRevision > n.fromRevision ? "revised to" : "at";
  const header = `contract ${n.contractName} ${verb} revision ${n.toRevision} by ${n.createdBy ?? "unknown"} at ${n.createdAt} (the last finished run used revision ${n.fromRevision})`;
  return renderContractChanges(n.changes, header);
}
