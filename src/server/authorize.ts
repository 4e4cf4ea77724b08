import { CairnError } from "../errors.ts";
import { forbidden, roleAtLeast } from "../services/control/roles.ts";
import type { RequestContext } from "./context.ts";
import type { Route } from "./router.ts";

/**
 * The one authorization rule of the API, after authentication:
 * 1. a route acting on a scoped thing named in its path first checks that the thing is inside the token's scope
 *    (outside it, the answer is the not-found one, byte for byte);
 * 2. a route on the organization's shared things (needing maintainer or more) without such a thing is, for a project-
 *    or workflow-scoped token, a fixed 404 that depends on nothing but the route;
 * 3. a role below the route's need is 403 FORBIDDEN naming the role needed, never anything about the target.
 */
export async function authorize(route: Route, c: RequestContext): Promise<void> {
  await route.target?.(c);
  const p = c.principal;
  const orgLevel = route.need === "maintainer" || route.need === "admin" || route.need === "instance-admin";
  if (!route.target && orgLevel && c.scope) {
    throw new CairnError("NOT_FOUND", "this route needs an organization-level API token (this one is scoped to a project or workflow)", {
      hint: "see docs/api.md for which token each route needs",
    });
  }
  if (route.need === "instance-admin") {
    if (!p.admin) {
      throw new CairnError("FORBIDDEN", `${route.action} needs the instance admin token (printed by \`cairn serve\` at its first start)`, {
        hint: "ask the operator of this cairn serve",
        details: { needed: "instance-admin", role: p.role },
      });
    }
    return;
  }
  if (!roleAtLeast(p.role, route.need)) throw forbidden(route.action, route.need, p.role);
}
