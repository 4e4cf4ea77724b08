// Recent verdicts of `POST /api/v1/verify`: deploy scripts and admission controllers ask the same digests again and
// again. A verdict is reused for at most one second, and never across a change that could alter it at once: a new
// attestation (attestationGeneration), a new contract revision (revisionGeneration), another set of the
// organization's live keys (a revocation), other trusted root files, another caller scope or another policy text.
// What can only go stale within that second: --max-age boundaries, a workflow's contract switch or deletion, and an
// edit of a stored policy named by the policy.
import type { ArtifactVerdict } from "../../services/verify-artifact/index.ts";
import { verificationKeys } from "../../services/control/org-keys.ts";
import type { NamedRoot } from "../../trust/policy.ts";
import type { RequestContext } from "../context.ts";
import { BoundedMap } from "../../services/bounded-map.ts";

const TTL_MS = 1000;
const MAX = 1024;
const recent = new BoundedMap<string, { at: number; verdict: ArtifactVerdict }>(MAX);
const rootIds = new WeakMap<object, number>();
let nextRootId = 1;

/** The cache key of one request, from what the verdict depends on (see the file comment). */
export async function verdictKey(c: RequestContext, request: string, roots: NamedRoot[]): Promise<string> {
  const keys = (await verificationKeys(c.deps)).map((k) => k.keyId).sort().join(",");
  const rootKey = roots.map((r) => {
    let id = rootIds.get(r.json);
    if (id === undefined) rootIds.set(r.json, (id = nextRootId++));
    return id;
  });
  const scope = `${c.scope?.projectId ?? ""}/${c.scope?.workflowId ?? ""}`;
  return [c.deps.config.home, c.principal.orgId, scope, await c.deps.repo.attestationGeneration(), await c.deps.repo.revisionGeneration(), keys, rootKey.join(","), request].join("|");
}

export function cachedVerdict(key: string, now: number): ArtifactVerdict | undefined {
  const hit = recent.get(key);
  return hit && now - hit.at < TTL_MS ? hit.verdict : undefined;
}

export function rememberVerdict(key: string, now: number, verdict: ArtifactVerdict): void {
  recent.set(key, { at: now, verdict });
}
