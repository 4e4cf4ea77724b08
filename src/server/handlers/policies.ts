import { addPolicyText, describeStoredPolicy, listStoredPolicies } from "../../services/policies/store.ts";
import type { RequestContext } from "../context.ts";
import { field, json, numberParam, readJsonObject, stringParam } from "../http.ts";
import type { Route } from "../router.ts";
import { onlyFields } from "./fields.ts";

/**
 * The policy store: GET/POST /api/v1/policies, GET /api/v1/policies/{name}?revision. The body carries the policy
 * text, never a path. Policies belong to the whole organization: any token reads them (contracts of every scope may
 * reference them), only a maintainer adds them.
 */

async function add(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["name", "text"]);
  await c.vetText(field(b, "text"), "field text");
  const r = await addPolicyText(c.deps, { name: field(b, "name"), text: field(b, "text", true), source: "request body field text", nameFlag: "field name" });
  return json(r.created ? 201 : 200, r);
}

async function describe(c: RequestContext): Promise<Response> {
  return json(200, (await describeStoredPolicy(c.deps, { name: c.params.name!, revision: numberParam(c.url.searchParams, "revision") })));
}

export const policyRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/v1/policies",
    need: "viewer",
    action: "policy.list",
    handler: async (c) => json(200, (await listStoredPolicies(c.deps, { limit: numberParam(c.url.searchParams, "limit"), next: stringParam(c.url.searchParams, "next") }))),
  },
  { method: "POST", path: "/api/v1/policies", need: "maintainer", action: "policy.add", handler: add },
  { method: "GET", path: "/api/v1/policies/:name", need: "viewer", action: "policy.read", handler: describe },
];
