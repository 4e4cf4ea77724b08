// Writing CAS mappings for a stored attestation: the one rule shared by push (local and verified) and import.
import type { AttestationGraph } from "../crafter/referrers.ts";
import type { CasSource } from "../store/cas-mapping-port.ts";
import type { ServiceDeps } from "./deps.ts";

/**
 * The bundle and every material the statement marks as stored in the CAS (the graph's downloadable references)
 * become readable within the attestation's workflow (and so its project). Call inside the storing transaction.
 */
export async function mapAttestation(deps: Pick<ServiceDeps, "casMappings">, orgId: string, graph: AttestationGraph, workflowId: string, source: CasSource, now: string): Promise<void> {
  const scope = { workflowId };
  await deps.casMappings.record({ orgId, digest: graph.attestation.digest, scope, source, createdAt: now });
  for (const n of graph.references) {
    if (n.downloadable) await deps.casMappings.record({ orgId, digest: n.digest, scope, source, name: n.metadata.name ?? null, createdAt: now });
  }
}
