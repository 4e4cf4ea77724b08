import { ingestBundle } from "../../services/control/ingest.ts";
import { addOrgKey, listOrgKeys, removeOrgKey } from "../../services/control/org-keys.ts";
import type { RequestContext } from "../context.ts";
import { appendEntry } from "../public/tlog-write.ts";
import { field, json, numberParam, readBytes, readJsonObject, stringParam } from "../http.ts";
import type { Route } from "../router.ts";
import { onlyFields } from "./fields.ts";

/** Verified push and the organization's signing keys it verifies against. */

/**
 * `POST /api/v1/attestations`: the body is a signed Sigstore bundle, exactly as `att push --bundle` writes it. It is
 * verified (registered key, statement, open run in the caller's scope, uploaded materials present), logged on the
 * server's transparency log when it has one (the answer then carries the stored bundle), and stored; 201 when
 * stored, 200 for an identical re-push. With the web view on, `runUrl` names the run's page there.
 */
async function push(c: RequestContext): Promise<Response> {
  const bytes = await readBytes(c.req, c.limits.maxBodyBytes);
  const log = c.trust.log;
  const r = await ingestBundle(c.deps, bytes, { scope: c.scope, issuer: c.publicUrl, ...(log && { log: (entry) => appendEntry(log, entry) }) });
  c.audit.target = `run ${r.runId} (${r.project}/${r.workflow}) attestation ${r.digest}`;
  await c.deps.states.delete(c.principal.orgId, r.runId); // a remote crafting state (--remote-state) is done once pushed
  return json(r.created ? 201 : 200, { ...r, ...(c.webUrl && { runUrl: `${c.webUrl}/runs/${encodeURIComponent(r.runId)}` }) });
}

async function addKey(c: RequestContext): Promise<Response> {
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["name", "publicKey"]);
  c.audit.target = `key ${String(b.name)}`;
  return json(201, (await addOrgKey(c.deps, { name: field(b, "name", true), pem: field(b, "publicKey", true), source: "publicKey" })));
}

async function listKeys(c: RequestContext): Promise<Response> {
  const q = c.url.searchParams;
  return json(200, (await listOrgKeys(c.deps, { status: stringParam(q, "status"), limit: numberParam(q, "limit"), next: stringParam(q, "next") })));
}

export const attestationRoutes: Route[] = [
  { method: "POST", path: "/api/v1/attestations", need: "attestor", action: "push", handler: push },
  { method: "GET", path: "/api/v1/keys", need: "maintainer", action: "key.list", handler: listKeys },
  { method: "POST", path: "/api/v1/keys", need: "maintainer", action: "key.add", handler: addKey },
  { method: "DELETE", path: "/api/v1/keys/:name", need: "maintainer", action: "key.remove", handler: async (c) => json(200, (await removeOrgKey(c.deps, { name: c.params.name! }))) },
];
