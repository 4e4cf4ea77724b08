import { applyText } from "../../services/control/apply.ts";
import { createContract, deleteContract, describeContract, findContract, listContracts, updateContract } from "../../services/control/contracts.ts";
import { checkName } from "../../services/control/orgs.ts";
import type { RequestContext } from "../context.ts";
import { boolParam, field, json, numberParam, readJsonObject, readText, stringParam } from "../http.ts";
import type { Route } from "../router.ts";
import { onlyFields } from "./fields.ts";

/**
 * Contracts: GET/POST /api/v1/contracts, GET/PATCH/DELETE /api/v1/contracts/{name}, POST /api/v1/apply. The body
 * carries the contract text (`text`), never a path. Contracts are shared by the organization's projects, so changing
 * them needs a maintainer (organization-level); scoped tokens read the contracts their workflows use.
 */

/** The contract of the path, visible in the token's scope; else the not-found of an absent one (as describe). */
const visible = (c: RequestContext) => findContract(c.deps, checkName(c.params.name!, "--name"), c.scope);

async function create(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["name", "text", "description"]);
  await c.vetText(field(b, "text"), "field text");
  c.audit.target = `contract ${String(b.name)}`;
  const created = await createContract(c.deps, { name: field(b, "name", true), text: field(b, "text"), description: field(b, "description") });
  return json(201, created);
}

async function update(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["text", "description"]);
  await c.vetText(field(b, "text"), "field text");
  return json(200, (await updateContract(c.deps, { name: c.params.name!, text: field(b, "text"), description: field(b, "description") })));
}

async function describe(c: RequestContext): Promise<Response> {
  const revision = numberParam(c.url.searchParams, "revision");
  return json(200, (await describeContract(c.deps, { name: c.params.name!, revision, scope: c.scope })));
}

async function apply(c: RequestContext): Promise<Response> {
  const dryRun = boolParam(c.url.searchParams, "dryRun");
  const text = await readText(c.req, c.limits.maxBodyBytes);
  await c.vetText(text, "the request body");
  const r = await applyText(c.deps, { text, dryRun });
  c.audit.target = r.items.map((i) => `${i.kind.toLowerCase()} ${i.name}`).join(", ");
  return json(200, r);
}

export const contractRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/contracts",
    need: "viewer",
    action: "contract.list",
    handler: async (c) => json(200, (await listContracts(c.deps, { limit: numberParam(c.url.searchParams, "limit"), next: stringParam(c.url.searchParams, "next"), scope: c.scope }))),
  },
  { method: "POST", path: "/api/v1/contracts", need: "maintainer", action: "contract.create", handler: create },
  { method: "GET", path: "/api/v1/contracts/:name", need: "viewer", action: "contract.read", handler: describe },
  { method: "PATCH", path: "/api/v1/contracts/:name", need: "maintainer", action: "contract.update", target: visible, handler: update },
  {
    method: "DELETE",
    path: "/api/v1/contracts/:name",
    need: "maintainer",
    action: "contract.delete",
    target: visible,
    handler: async (c) => json(200, (await deleteContract(c.deps, { name: c.params.name! }))),
  },
  { method: "POST", path: "/api/v1/apply", need: "maintainer", action: "apply", handler: apply },
];
