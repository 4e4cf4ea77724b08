import { addWebhook, listDeliveries, listWebhooks, removeWebhook } from "../../services/webhooks/registry.ts";
import { CairnError } from "../../errors.ts";
import type { RequestContext } from "../context.ts";
import { field, json, numberParam, readJsonObject, stringParam } from "../http.ts";
import type { Route } from "../router.ts";
import { onlyFields } from "./fields.ts";

/**
 * The organization's webhooks (docs/webhooks.md), for maintainers and admins of the whole organization. Validation
 * runs here, on the server: the host must resolve from it and `secretEnv` must be set in its environment.
 */

function events(b: Record<string, unknown>): string[] | undefined {
  const v = b.events;
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((e) => typeof e === "string")) {
    throw new CairnError("USAGE", "field events must be an array of event names", { hint: 'e.g. "events": ["run.blocked", "run.failed"]' });
  }
  return v;
}

async function add(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["name", "url", "events", "secretEnv"]);
  c.audit.target = `webhook ${String(b.name)}`;
  const input = { name: field(b, "name", true), url: field(b, "url", true), events: events(b), secretEnv: field(b, "secretEnv") };
  return json(201, await addWebhook(c.deps, input));
}

async function remove(c: RequestContext): Promise<Response> {
  c.audit.target = `webhook ${c.params.name!}`;
  return json(200, (await removeWebhook(c.deps, { name: c.params.name! })));
}

async function deliveries(c: RequestContext): Promise<Response> {
  const q = c.url.searchParams;
  return json(200, (await listDeliveries(c.deps, { name: c.params.name!, limit: numberParam(q, "limit"), next: stringParam(q, "next") })));
}

export const webhookRoutes: Route[] = [
  { method: "GET", path: "/api/v1/webhooks", need: "maintainer", action: "webhook.list", handler: async (c) => json(200, (await listWebhooks(c.deps))) },
  { method: "POST", path: "/api/v1/webhooks", need: "maintainer", action: "webhook.add", handler: add },
  { method: "DELETE", path: "/api/v1/webhooks/:name", need: "maintainer", action: "webhook.remove", handler: remove },
  { method: "GET", path: "/api/v1/webhooks/:name/deliveries", need: "maintainer", action: "webhook.deliveries", handler: deliveries },
];
