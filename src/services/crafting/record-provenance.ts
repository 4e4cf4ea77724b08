// Storing the SLSA provenance that accompanies a stored cairn attestation: the one path shared by local push and the
// server's verified ingest (and, with the exported rows, by import).
import { CairnError } from "../../errors.ts";
import { companionGraph, statementReferences } from "../../crafter/referrers.ts";
import type { Statement } from "../../crafter/statement.ts";
import type { AttestationRecord, BlobRef } from "../../store/ports.ts";
import type { CasSource } from "../../store/cas-mapping-port.ts";
import { mapAttestation } from "../cas-mappings.ts";
import type { ServiceDeps } from "../deps.ts";
import { isAttested } from "../control/runs.ts";
import { storedStatement } from "../stored-bundle.ts";
import { SLSA_PROVENANCE_V1 } from "../../slsa/provenance.ts";
import { companionMismatch } from "../../slsa/companion.ts";

export interface ProvenanceToRecord {
  /** The provenance statement inside `bundle`. */
  statement: Statement;
  bundle: Uint8Array;
  runId: string;
  /** The stored cairn attestation of the run it accompanies (its byproduct). */
  attestationDigest: string;
  /** Its statement, when the caller has it (else it is read back from the CAS). */
  attestation?: Statement;
  now: string;
}

/** The run's stored provenance, if any. */
export async function runProvenance(deps: Pick<ServiceDeps, "repo">, runId: string): Promise<AttestationRecord | undefined> {
  return (await deps.repo.runAttestations(runId)).find((a) => a.predicateType === SLSA_PROVENANCE_V1);
}

/**
 * Puts the bundle in the CAS, then in one transaction: its attestation row (the run's), its referrer graph linked both
 * ways with the cairn attestation, and its CAS mapping. The run must be attested with `attestationDigest`; a run takes
 * one provenance (the same bytes again are a no-op, other bytes STATE_INVALID).
 */
export async function recordProvenance(deps: ServiceDeps, p: ProvenanceToRecord): Promise<BlobRef> {
  const cairn = p.attestation ?? storedStatement(await deps.blobs.read(p.attestationDigest), p.attestationDigest);
  // The same rule as the server's ingest and import: it names this attestation, for that attestation's subjects.
  const mismatch = companionMismatch(p.statement, p.attestationDigest, cairn);
  if (mismatch) throw new CairnError("VERIFY_FAILED", mismatch, { hint: "start a new run: the crafting state changed since the attestation was stored" });
  const ref = await deps.blobs.putBytes(p.bundle);
  await deps.repo.transaction(async () => {
    const run = await deps.repo.getRun(p.runId);
    if (!run) throw new CairnError("NOT_FOUND", `workflow run ${p.runId} does not exist`);
    if (!isAttested(run.state) || run.attestationDigest !== p.attestationDigest) {
      throw new CairnError("STATE_INVALID", `workflow run ${p.runId} has no attestation ${p.attestationDigest} for the provenance to accompany`, { details: { state: run.state } });
    }
    const existing = await runProvenance(deps, p.runId);
    if (existing) {
      if (existing.digest === ref.digest) return;
      throw new CairnError("STATE_INVALID", `workflow run ${p.runId} already has SLSA provenance ${existing.digest}`, { details: { provenance: existing.digest } });
    }
    await indexProvenance(deps, { orgId: run.orgId, runId: p.runId, workflowId: run.workflowId, statement: p.statement, ref, cairn, attestationDigest: p.attestationDigest, now: p.now, source: "attestation" });
  });
  return ref;
}

export interface ProvenanceRow {
  orgId: string;
  runId: string;
  workflowId: string;
  statement: Statement;
  ref: BlobRef;
  /** The cairn attestation's statement and digest (already indexed). */
  cairn: Statement;
  attestationDigest: string;
  now: string;
  source: CasSource;
}

/** The rows of a stored provenance (inside the caller's transaction; import stores it this way too). */
export async function indexProvenance(deps: ServiceDeps, p: ProvenanceRow): Promise<void> {
  // The cairn attestation's node as it was indexed (its names), and what its statement references.
  const node = (await deps.referrers.find(p.orgId, p.attestationDigest)).find((n) => n.kind === "ATTESTATION");
  if (!node) throw new CairnError("STORE_INVALID", `attestation ${p.attestationDigest} of run ${p.runId} is not in the referrer graph`, { hint: "run `cairn store fsck`" });
  const cairnNode = { digest: node.digest, kind: node.kind, downloadable: node.downloadable, metadata: node.metadata };
  const { graph, back } = companionGraph(p.statement, p.ref.digest, { attestation: cairnNode, references: statementReferences(p.cairn) }, p.now);
  await deps.repo.insertAttestation({ digest: p.ref.digest, orgId: p.orgId, runId: p.runId, workflowId: p.workflowId, predicateType: SLSA_PROVENANCE_V1, size: p.ref.size, createdAt: p.now });
  await deps.referrers.index(p.orgId, graph, p.now);
  await deps.referrers.index(p.orgId, back, p.now);
  await mapAttestation(deps, p.orgId, graph, p.workflowId, p.source, p.now);
}
