import { CairnError, httpStatusFor } from "../errors.ts";
import { actorLabel } from "../services/control/roles.ts";
import type { RequestContext } from "./context.ts";
import type { Route } from "./router.ts";

const READS = new Set(["GET", "HEAD"]);

/**
 * Appends the request's audit row: every state-changing request, whatever its outcome, and every read its role
 * refused. Written after the handler, outside its transaction, so a refusal that rolled everything back is still on
 * the record. `ok`, `refused: CODE` (4xx) or `error: CODE` (5xx).
 */
export function recordAudit(c: RequestContext, route: Route, outcome: { status: number } | { error: unknown }): void {
  const error = "error" in outcome ? outcome.error : undefined;
  const code = error === undefined ? undefined : error instanceof CairnError ? error.code : "INTERNAL";
  if ((READS.has(route.method) || route.safe) && code !== "FORBIDDEN") return;
  const status = "status" in outcome ? outcome.status : httpStatusFor(error);
  const p = c.principal;
  c.app.audit.append({
    orgId: p.orgId,
    at: c.app.clock.now().toISOString(),
    tokenId: p.tokenId,
    actor: actorLabel({ tokenId: p.tokenId, tokenName: p.tokenName, role: p.role }),
    role: p.role,
    action: route.action,
    target: (c.audit.target ?? defaultTarget(route, c.params)).slice(0, 300),
    outcome: code === undefined ? "ok" : `${status >= 500 ? "error" : "refused"}: ${code}`,
    status,
  });
}

/** `workflow p1/build` from action `workflow.update` and the path parameters; "" when the path names nothing. */
function defaultTarget(route: Route, params: Record<string, string>): string {
  const values = Object.values(params);
  if (values.length === 0) return "";
  return `${route.action.split(".")[0]} ${values.join("/")}`;
}
