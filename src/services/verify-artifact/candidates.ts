// Which attestations reference an artifact: every ATTESTATION node of the referrer graph that references its digest,
// in the store's organization and the caller's scope. The graph is only an index; each one is then judged on its
// signed statement.
import type { Scope, StoredReferrer } from "../../store/ports.ts";
import type { ServiceDeps } from "../deps.ts";

/**
 * Nodes read per graph query, and at most this many attestations considered (in graph order, oldest first: later
 * pushes cannot crowd out an earlier attestation).
 */
const PAGE = 200;
export const MAX_CONSIDERED = 1000;

/** Digests of the attestations referencing `digest`, deduplicated, in graph order. */
export function attestationsReferencing(deps: ServiceDeps, orgId: string, digest: string, scope?: Scope): string[] {
  const out = new Set<string>();
  for (const node of deps.referrers.find(orgId, digest, scope)) {
    let after: number | undefined;
    for (;;) {
      const page: StoredReferrer[] = deps.referrers.neighbours(node.id, "referredBy", PAGE, after, scope);
      for (const n of page) if (n.kind === "ATTESTATION") out.add(n.digest);
      if (page.length < PAGE || out.size >= MAX_CONSIDERED) break;
      after = page[page.length - 1]!.id;
    }
  }
  return [...out].slice(0, MAX_CONSIDERED);
}
