import { CairnError } from "../../errors.ts";
import { previewRemoteInit, startRemoteInit } from "../../services/crafting/served-init.ts";
import {
  readRemoteState,
  removeRemoteState,
  resetRemote,
  resettableRunOrg,
  stateRunOrg,
  visibleRow,
  writeRemoteState,
} from "../../services/crafting/served-state.ts";
import type { RequestContext } from "../context.ts";
import { boolField, field, json, readJsonObject, readText } from "../http.ts";
import type { Route } from "../router.ts";
import { initRequest, observations } from "./crafting-body.ts";

/**
 * Remote crafting (`cairn att … --control-plane URL`): the control-plane half of init, the remote crafting state
 * with optimistic locking (ETag = version, PUT needs If-Match; 412 when stale), and reset. Push is
 * POST /api/v1/attestations (attestations.ts). Every route is scoped like the others.
 */

async function preview(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  return json(200, (await previewRemoteInit(c.deps, initRequest(b), c.scope)));
}

async function init(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  const req = initRequest(b, ["observations", "remoteState", "replaceRunId"]);
  c.audit.target = `workflow ${req.project}/${req.workflow}`;
  const r = await startRemoteInit(c.deps, req, {
    observations: observations(b.observations),
    remoteState: boolField(b, "remoteState") ?? false,
    replaceRunId: field(b, "replaceRunId"),
    scope: c.scope,
  });
  return json(201, r, r.stateVersion === undefined ? {} : { ETag: etag(r.stateVersion) });
}

const etag = (version: number) => `"${version}"`;

// What each path-targeted route checks before the role: the same not-found its handler gives for an absent id.
const stateTarget = (c: RequestContext) => visibleRow(c.deps, c.params.id!, c.scope);
const stateRunTarget = (c: RequestContext) => stateRunOrg(c.deps, c.params.id!, c.scope);
const runTarget = (c: RequestContext) => resettableRunOrg(c.deps, c.params.id!, c.scope);

async function getState(c: RequestContext): Promise<Response> {
  const { state, version } = await readRemoteState(c.deps, c.params.id!, c.scope);
  return json(200, state, { ETag: etag(version) });
}

/** `If-Match: "N"` (the ETag GET returned) is required: a blind overwrite would lose a concurrent job's material. */
function ifMatch(req: Request): number {
  const h = req.headers.get("if-match");
  const m = h === null ? null : /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(h);
  if (!m) {
    throw new CairnError("USAGE", h === null ? "PUT of a crafting state needs an If-Match header" : `If-Match ${JSON.stringify(h.slice(0, 40))} is not a state version`, {
      hint: 'send the ETag the GET of the state returned, e.g. If-Match: "3"',
    });
  }
  return Number(m[1]);
}

async function putState(c: RequestContext): Promise<Response> {
  const expected = ifMatch(c.req);
  const version = await writeRemoteState(c.deps, c.params.id!, await readText(c.req, c.limits.maxBodyBytes), expected, c.scope);
  return json(200, { version }, { ETag: etag(version) });
}

async function deleteState(c: RequestContext): Promise<Response> {
  await removeRemoteState(c.deps, c.params.id!, c.scope);
  return new Response(null, { status: 204 });
}

async function reset(c: RequestContext): Promise<Response> {
  const q = c.url.searchParams;
  const trigger = q.get("trigger") ?? "failure";
  if (trigger !== "failure" && trigger !== "cancellation") {
    throw new CairnError("USAGE", `trigger=${JSON.stringify(trigger.slice(0, 40))} is not failure or cancellation`, { hint: "e.g. ?trigger=cancellation" });
  }
  const reason = q.get("reason") ?? undefined;
  if (reason !== undefined && reason.length > 1024) throw new CairnError("USAGE", "reason is longer than 1024 characters", { hint: "send a shorter reason" });
  return json(200, (await resetRemote(c.deps, c.params.id!, { trigger, reason }, c.scope)));
}

export const craftingRoutes: Route[] = [
  { method: "POST", path: "/api/v1/attestations/preview", need: "attestor", action: "attestation.preview", safe: true, handler: preview },
  { method: "POST", path: "/api/v1/attestations/init", need: "attestor", action: "attestation.init", handler: init },
  { method: "GET", path: "/api/v1/attestations/:id/state", need: "attestor", action: "attestation.state.read", target: stateTarget, handler: getState },
  { method: "PUT", path: "/api/v1/attestations/:id/state", need: "attestor", action: "attestation.state.write", target: stateTarget, handler: putState },
  { method: "DELETE", path: "/api/v1/attestations/:id/state", need: "attestor", action: "attestation.state.delete", target: stateRunTarget, handler: deleteState },
  { method: "DELETE", path: "/api/v1/attestations/:id", need: "attestor", action: "attestation.reset", target: runTarget, handler: reset },
];
