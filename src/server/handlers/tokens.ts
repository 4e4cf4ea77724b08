import { CairnError } from "../../errors.ts";
import { createOrg, listOrgs, updateOrgSettings } from "../../services/control/orgs.ts";
import { createToken, listTokens, revokeToken } from "../../services/control/tokens.ts";
import type { ServiceDeps } from "../../services/deps.ts";
import type { RequestContext } from "../context.ts";
import { boolField, field, json, numberParam, readJsonObject, stringParam } from "../http.ts";
import type { Route } from "../router.ts";
import { onlyFields } from "./fields.ts";

/** API tokens (admins), organizations (creating them: the instance admin; their settings: admins) and whoami. */

/**
 * The organization a new token goes to: the caller's own, or (admin only) another existing one. For anyone else a
 * foreign name is the same 404 as a missing organization.
 */
async function targetDeps(c: RequestContext, organization: string | undefined): Promise<ServiceDeps> {
  if (organization === undefined || organization === c.principal.orgName) return c.deps;
  if (!c.principal.admin || !await c.app.orgs.getOrg(organization)) {
    throw new CairnError("NOT_FOUND", `organization ${organization} does not exist`, {
      hint: "name an existing organization (only the instance admin token creates tokens in other organizations)",
    });
  }
  return { ...c.deps, config: { ...c.deps.config, organization } };
}

async function create(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["name", "project", "workflow", "expiration", "description", "organization", "role"]);
  c.audit.target = `token ${String(b.name)}${typeof b.role === "string" ? ` (${b.role})` : ""}`;
  const deps = await targetDeps(c, field(b, "organization"));
  const t = await createToken(deps, {
    name: field(b, "name", true),
    role: field(b, "role"),
    project: field(b, "project"),
    workflow: field(b, "workflow"),
    expiration: field(b, "expiration"),
    description: field(b, "description"),
  });
  return json(201, { ...t, organization: deps.config.organization });
}

async function list(c: RequestContext): Promise<Response> {
  const q = c.url.searchParams;
  return json(200, (await listTokens(c.deps, { status: stringParam(q, "status"), limit: numberParam(q, "limit"), next: stringParam(q, "next") })));
}

/** Everyone sees their own organization; the admin lists them all (names only: it still reads only its own data). */
async function orgs(c: RequestContext): Promise<Response> {
  const q = c.url.searchParams;
  if (c.principal.admin) return json(200, (await listOrgs(c.deps, { limit: numberParam(q, "limit"), next: stringParam(q, "next") })));
  const own = (await c.deps.orgs.getOrg(c.principal.orgName))!;
  return json(200, { items: [{ name: own.name, createdAt: own.createdAt, current: true }] });
}

async function createOrgRoute(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["name"]);
  return json(201, (await createOrg(c.deps, { name: field(b, "name", true) })));
}

/** `PATCH /api/v1/orgs/{name}`: the admin's own organization's settings; any other name is the not-found of an absent one. */
async function updateOrg(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["implicitWorkflows"]);
  return json(200, (await updateOrgSettings(c.deps, { implicitWorkflows: boolField(b, "implicitWorkflows") })));
}

const ownOrg = async (c: RequestContext) => {
  if (c.params.name !== c.principal.orgName) throw new CairnError("NOT_FOUND", `organization ${c.params.name} does not exist`, { hint: "a token changes the settings of its own organization" });
};

async function whoami(c: RequestContext): Promise<Response> {
  const t = (await c.deps.orgs.getToken(c.principal.orgId, c.principal.tokenId))!;
  return json(200, {
    organization: c.principal.orgName,
    token: { id: t.id, name: t.name, expiresAt: t.expiresAt },
    scope: { project: t.project, workflow: t.workflow },
    role: t.role,
    admin: c.principal.admin,
  });
}

export const tokenRoutes: Route[] = [
  { method: "GET", path: "/api/v1/tokens", need: "admin", action: "token.list", handler: list },
  { method: "POST", path: "/api/v1/tokens", need: "admin", action: "token.create", handler: create },
  { method: "DELETE", path: "/api/v1/tokens/:id", need: "admin", action: "token.revoke", handler: async (c) => json(200, (await revokeToken(c.deps, { id: c.params.id! }))) },
  { method: "GET", path: "/api/v1/orgs", need: "viewer", action: "org.list", handler: orgs },
  { method: "POST", path: "/api/v1/orgs", need: "instance-admin", action: "org.create", handler: createOrgRoute },
  { method: "PATCH", path: "/api/v1/orgs/:name", need: "admin", action: "org.update", target: ownOrg, handler: updateOrg },
  { method: "GET", path: "/api/v1/whoami", need: "viewer", action: "whoami", handler: whoami },
];
