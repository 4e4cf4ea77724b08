import { listAudit } from "../../services/control/audit.ts";
import type { RequestContext } from "../context.ts";
import { json, numberParam, stringParam } from "../http.ts";
import type { Route } from "../router.ts";

/** `GET /api/v1/audit`: the organization's audit trail for maintainers and admins. No route writes or deletes rows. */
async function list(c: RequestContext): Promise<Response> {
  const q = c.url.searchParams;
  return json(
    200,
    (await listAudit(c.deps, {
      since: stringParam(q, "since"),
      actor: stringParam(q, "actor"),
      action: stringParam(q, "action"),
      outcome: stringParam(q, "outcome"),
      limit: numberParam(q, "limit"),
      next: stringParam(q, "next"),
    })),
  );
}

export const auditRoutes: Route[] = [{ method: "GET", path: "/api/v1/audit", need: "maintainer", action: "audit.list", handler: list }];
