import { createWorkflow, deleteWorkflow, describeWorkflow, findWorkflow, listWorkflows, updateWorkflow } from "../../services/control/workflows.ts";
import type { RequestContext } from "../context.ts";
import { boolField, field, json, numberParam, readJsonObject, stringParam } from "../http.ts";
import type { Route } from "../router.ts";
import { onlyFields } from "./fields.ts";

/** Workflows: GET/POST /api/v1/workflows, GET/PATCH/DELETE /api/v1/workflows/{project}/{name}. */

const ref = (c: RequestContext) => ({ project: c.params.project!, name: c.params.name! });

/** The workflow of the path, inside the token's scope; else the not-found of an absent one. */
const visible = (c: RequestContext) => findWorkflow(c.deps, c.params.name!, c.params.project!, c.scope);

async function list(c: RequestContext): Promise<Response> {
  const q = c.url.searchParams;
  const page = await listWorkflows(c.deps, {
    project: stringParam(q, "project"),
    team: stringParam(q, "team"),
    limit: numberParam(q, "limit"),
    next: stringParam(q, "next"),
    scope: c.scope,
  });
  return json(200, page);
}

async function create(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["name", "project", "team", "description", "contract", "contractText", "skipIfExists"]);
  await c.vetText(field(b, "contractText"), "field contractText");
  c.audit.target = `workflow ${String(b.project)}/${String(b.name)}`;
  const wf = await createWorkflow(c.deps, {
    name: field(b, "name", true),
    project: field(b, "project", true),
    team: field(b, "team"),
    description: field(b, "description"),
    contract: field(b, "contract"),
    skipIfExists: boolField(b, "skipIfExists"),
    remote: { scope: c.scope, contractText: field(b, "contractText") },
  });
  return json(wf.created ? 201 : 200, wf);
}

async function update(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["team", "description", "contract", "contractText"]);
  await c.vetText(field(b, "contractText"), "field contractText");
  const wf = await updateWorkflow(c.deps, {
    ...ref(c),
    team: field(b, "team"),
    description: field(b, "description"),
    contract: field(b, "contract"),
    remote: { scope: c.scope, contractText: field(b, "contractText") },
  });
  return json(200, wf);
}

export const workflowRoutes: Route[] = [
  { method: "GET", path: "/api/v1/workflows", need: "viewer", action: "workflow.list", handler: list },
  { method: "POST", path: "/api/v1/workflows", need: "maintainer", action: "workflow.create", handler: create },
  {
    method: "GET",
    path: "/api/v1/workflows/:project/:name",
    need: "viewer",
    action: "workflow.read",
    handler: async (c) => json(200, (await describeWorkflow(c.deps, { ...ref(c), scope: c.scope }))),
  },
  { method: "PATCH", path: "/api/v1/workflows/:project/:name", need: "maintainer", action: "workflow.update", target: visible, handler: update },
  {
    method: "DELETE",
    path: "/api/v1/workflows/:project/:name",
    need: "maintainer",
    action: "workflow.delete",
    target: visible,
    handler: async (c) => json(200, (await deleteWorkflow(c.deps, { ...ref(c), scope: c.scope }))),
  },
];
