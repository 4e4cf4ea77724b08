// Which attestations reference an artifact: every ATTESTATION node of the referrer graph that references its digest,
// in the store's organization and the caller's scope. The graph is only an index; each one is then judged on its
// signed statement.
import type { Scope } from "../../store/ports.ts";
import type { ServiceDeps } from "../deps.ts";
import { BoundedMap } from "../bounded-map.ts";

/** At most this many attestations are considered, oldest first: later pushes cannot crowd out an earlier attestation. */
export const MAX_CONSIDERED = 1000;

export interface Referencing {
  digest: string;
  /** As indexed: it only orders the work; each judged attestation is checked against its row and signed statement. */
  predicateType: string;
}

/**
 * Recent answers, per (organization, digest, scope), valid while no attestation was stored since: `cairn serve`
 * answers the same digest for every deploy, and the graph changes only when an attestation is indexed.
 */
const RECENT = 512;
const recent = new BoundedMap<string, { generation: number; list: Referencing[] }>(RECENT);

/** The attestations referencing `digest`, oldest first, with the predicate type each was indexed with. */
export async function attestationsReferencing(deps: ServiceDeps, orgId: string, digest: string, scope?: Scope): Promise<Referencing[]> {
  const generation = await deps.repo.attestationGeneration();
  const key = `${deps.config.home}|${orgId}|${digest}|${scope?.projectId ?? ""}|${scope?.workflowId ?? ""}`;
  const hit = recent.get(key);
  if (hit && hit.generation === generation) return hit.list;
  const list = await deps.referrers.attestationsReferencing(orgId, digest, MAX_CONSIDERED, scope);
  recent.set(key, { generation, list });
  return list;
}
