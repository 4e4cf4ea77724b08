import { CairnError } from "../../errors.ts";
import { createOrg, listOrgs } from "../../services/control/orgs.ts";
import { createToken, listTokens, revokeToken } from "../../services/control/tokens.ts";
import type { ServiceDeps } from "../../services/deps.ts";
import type { RequestContext } from "../context.ts";
import { field, json, numberParam, readJsonObject, stringParam } from "../http.ts";
import type { Route } from "../router.ts";
import { onlyFields } from "./fields.ts";

/** API tokens (organization-level tokens only), organizations (creating them: admin only) and whoami. */

/**
 * The organization a new token goes to: the caller's own, or (admin only) another existing one. For anyone else a
 * foreign name is the same 404 as a missing organization.
 */
function targetDeps(c: RequestContext, organization: string | undefined): ServiceDeps {
  if (organization === undefined || organization === c.principal.orgName) return c.deps;
  if (!c.principal.admin || !c.app.orgs.getOrg(organization)) {
    throw new CairnError("NOT_FOUND", `organization ${organization} does not exist`, {
      hint: "name an existing organization (only the instance admin token creates tokens in other organizations)",
    });
  }
  return { ...c.deps, config: { ...c.deps.config, organization } };
}

async function create(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["name", "project", "workflow", "expiration", "description", "organization"]);
  const deps = targetDeps(c, field(b, "organization"));
  const t = createToken(deps, {
    name: field(b, "name", true),
    project: field(b, "project"),
    workflow: field(b, "workflow"),
    expiration: field(b, "expiration"),
    description: field(b, "description"),
  });
  return json(201, { ...t, organization: deps.config.organization });
}

function list(c: RequestContext): Response {
  const q = c.url.searchParams;
  return json(200, listTokens(c.deps, { status: stringParam(q, "status"), limit: numberParam(q, "limit"), next: stringParam(q, "next") }));
}

/** Everyone sees their own organization; the admin lists them all (names only: it still reads only its own data). */
function orgs(c: RequestContext): Response {
  const q = c.url.searchParams;
  if (c.principal.admin) return json(200, listOrgs(c.deps, { limit: numberParam(q, "limit"), next: stringParam(q, "next") }));
  const own = c.deps.orgs.getOrg(c.principal.orgName)!;
  return json(200, { items: [{ name: own.name, createdAt: own.createdAt, current: true }] });
}

async function createOrgRoute(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["name"]);
  return json(201, createOrg(c.deps, { name: field(b, "name", true) }));
}

function whoami(c: RequestContext): Response {
  const t = c.deps.orgs.getToken(c.principal.orgId, c.principal.tokenId)!;
  return json(200, {
    organization: c.principal.orgName,
    token: { id: t.id, name: t.name, expiresAt: t.expiresAt },
    scope: { project: t.project, workflow: t.workflow },
    admin: c.principal.admin,
  });
}

export const tokenRoutes: Route[] = [
  { method: "GET", path: "/api/v1/tokens", access: "org", handler: list },
  { method: "POST", path: "/api/v1/tokens", access: "org", handler: create },
  { method: "DELETE", path: "/api/v1/tokens/:id", access: "org", handler: (c) => json(200, revokeToken(c.deps, { id: c.params.id! })) },
  { method: "GET", path: "/api/v1/orgs", access: "any", handler: orgs },
  { method: "POST", path: "/api/v1/orgs", access: "admin", handler: createOrgRoute },
  { method: "GET", path: "/api/v1/whoami", access: "any", handler: whoami },
];
