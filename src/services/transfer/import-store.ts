// The storing half of `cairn import`: everything verified (import-verify.ts) goes in with one SQLite transaction,
// so the store holds all of an export or none of it. Bundles are put in the CAS first (content-addressed, idempotent).
import { attestedRunState, statementVerdict } from "../../crafter/policy/status.ts";
import { attestationGraph } from "../../crafter/referrers.ts";
import { CairnError } from "../../errors.ts";
import type { BlobRef, Organization } from "../../store/ports.ts";
import { indexProvenance, runProvenance } from "../crafting/record-provenance.ts";
import { mapAttestation } from "../cas-mappings.ts";
import { policyRunReason } from "../crafting/gate.ts";
import type { ServiceDeps } from "../deps.ts";
import type { VerifiedImport, VerifiedRun } from "./import-verify.ts";

export interface StoredCounts {
  runs: { imported: number; alreadyPresent: number };
  contractRevisions: { imported: number; alreadyPresent: number };
}

export async function storeVerified(deps: ServiceDeps, v: VerifiedImport): Promise<StoredCounts> {
  const fresh = v.runs.filter((r) => r.isNew);
  // A run already here without its provenance (imported from an older export, or exported before its provenance was
  // stored) gains it: the provenance was verified to accompany the same attestation.
  const late: VerifiedRun[] = [];
  for (const r of v.runs) if (!r.isNew && r.provenance && !(await runProvenance(deps, r.run.id))) late.push(r);
  const provenanceRefs = new Map<string, BlobRef>();
  for (const r of fresh) await deps.blobs.putBytes(r.bundle);
  for (const r of [...fresh, ...late]) if (r.provenance) provenanceRefs.set(r.run.id, await deps.blobs.putBytes(r.provenance.bundle));
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const org = await deps.repo.ensureOrg(deps.config.organization, now);
    const contractRevisions = await storeContracts(deps, org, v, now);
    // Re-checked inside the transaction: a concurrent import may have stored a run since verification.
    const todo: VerifiedRun[] = [];
    for (const r of fresh) if (!(await deps.repo.getRun(r.run.id))) todo.push(r);
    for (const r of todo) await storeProvenance(deps, org, r, await storeRun(deps, org, r, now), provenanceRefs.get(r.run.id));
    for (const r of late) {
      const run = await deps.repo.getRun(r.run.id);
      if (run && !(await runProvenance(deps, r.run.id))) await storeProvenance(deps, org, r, run.workflowId, provenanceRefs.get(r.run.id));
    }
    return { runs: { imported: todo.length, alreadyPresent: v.runs.length - todo.length }, contractRevisions };
  });
}

async function storeProvenance(deps: ServiceDeps, org: Organization, r: VerifiedRun, workflowId: string, ref: BlobRef | undefined): Promise<void> {
  if (!r.provenance || !ref) return;
  const createdAt = r.run.provenance!.createdAt;
  await indexProvenance(deps, { orgId: org.id, runId: r.run.id, workflowId, statement: r.provenance.statement, ref, cairn: r.checked.statement, attestationDigest: r.run.attestation.digest, now: createdAt, source: "import" });
}

/** What `created_by` says of revisions and workflows `cairn import` stored: a local command, from an export. */
const IMPORTED_BY = "local (import)";

/** Revisions keep their numbers: the tar carries 1..n and the store's existing ones were checked to be identical. */
async function storeContracts(deps: ServiceDeps, org: Organization, v: VerifiedImport, now: string): Promise<StoredCounts["contractRevisions"]> {
  let imported = 0;
  let alreadyPresent = 0;
  for (const [name, revisions] of v.contracts) {
    const c = await deps.repo.findContractByName(org.id, name) ?? await deps.repo.createContract(org.id, name, revisions[0]!.loaded.contract.description ?? null, now);
    for (const r of revisions) {
      if (await deps.repo.getRevision(c.id, r.revision)) {
        alreadyPresent++;
        continue;
      }
      const added = await deps.repo.addRevision(c.id, r.loaded.body, r.loaded.bodyFormat, r.loaded.digest, now, IMPORTED_BY);
      if (added.revision !== r.revision) {
        throw new CairnError("ALREADY_EXISTS", `${r.entry}: contract ${name} would be stored as revision ${added.revision}, not ${r.revision}; nothing was imported`, {
          hint: "the contract changed in this store while importing; import again",
        });
      }
      imported++;
    }
  }
  return { imported, alreadyPresent };
}

/**
 * The run with its id and times as exported, its attestation row and its referrer graph. Its state, reason and policy
 * status are the signed statement's (a blocked run stays blocked, also from an export that called it succeeded).
 */
async function storeRun(deps: ServiceDeps, org: Organization, v: VerifiedRun, now: string): Promise<string> {
  const { run, checked } = v;
  const m = checked.metadata;
  const project = await deps.repo.ensureProject(org.id, run.project, now);
  const contract = (await deps.repo.findContractByName(org.id, run.contract))!; // stored or verified present
  const workflow =
    await deps.repo.findWorkflow(org.id, run.project, run.workflow) ??
    await deps.repo.createWorkflow(
      { orgId: org.id, projectId: project.id, name: run.workflow, team: run.team, description: run.description, contractId: contract.id, createdBy: IMPORTED_BY },
      now,
    );
  const version = m.projectVersion ? await deps.repo.ensureProjectVersion(project.id, m.projectVersion, now) : undefined;
  if (version && m.projectVersionPrerelease === false) await deps.repo.releaseProjectVersion(version.id, now);
  await deps.repo.createRun({
    id: run.id,
    orgId: org.id,
    workflowId: workflow.id,
    runnerType: run.runnerType,
    runnerUrl: run.runnerUrl,
    contractRevisionUsed: run.contractRevisionUsed,
    contractRevisionLatest: run.contractRevisionLatest,
    projectVersionId: version?.id ?? null,
    createdAt: run.createdAt,
  });
  const digest = run.attestation.digest;
  await deps.repo.insertAttestation({
    digest,
    orgId: org.id,
    runId: run.id,
    workflowId: workflow.id,
    predicateType: run.attestation.predicateType,
    size: v.bundle.length,
    createdAt: run.attestation.createdAt,
  });
  const graph = attestationGraph(checked.statement, digest, {
    runId: run.id,
    workflow: run.workflow,
    project: run.project,
    projectVersion: m.projectVersion,
    team: m.team,
    organization: org.name,
    contractName: run.contract,
    contractRevision: run.contractRevisionUsed,
    createdAt: run.attestation.createdAt,
  });
  await deps.referrers.index(org.id, graph, run.attestation.createdAt);
  await mapAttestation(deps, org.id, graph, workflow.id, "import", now);
  const attested = { policyStatus: statementVerdict(checked.statement), pushedBy: run.pushedBy ?? null };
  // The reason is the signed verdict's (import-bind.ts refused any other; older exports may carry null).
  await deps.repo.finishRun(run.id, attestedRunState(checked.statement), run.finishedAt ?? run.attestation.createdAt, policyRunReason(checked.statement), digest, attested);
  return workflow.id;
}
