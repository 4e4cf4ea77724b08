import { discover } from "../../services/control/discover.ts";
import { describeRun, listRuns, runAttestation } from "../../services/control/runs.ts";
import type { RequestContext } from "../context.ts";
import { json, numberParam, stringParam } from "../http.ts";
import type { Route } from "../router.ts";
import { digestHeaders } from "./blobs.ts";

/** Runs and the referrer graph: GET /api/v1/runs[…], GET /api/v1/discover/{digest}. Read-only, scoped. */

async function list(c: RequestContext): Promise<Response> {
  const q = c.url.searchParams;
  const page = await listRuns(c.deps, {
    workflow: stringParam(q, "workflow"),
    project: stringParam(q, "project"),
    status: stringParam(q, "status"),
    policyStatus: stringParam(q, "policyStatus"),
    limit: numberParam(q, "limit"),
    next: stringParam(q, "next"),
    scope: c.scope,
  });
  return json(200, page);
}

/** The stored Sigstore bundle, byte for byte as pushed. */
async function attestation(c: RequestContext): Promise<Response> {
  const a = await runAttestation(c.deps, { id: c.params.id!, scope: c.scope });
  return new Response(a.bundle, { status: 200, headers: { "Content-Type": "application/json", ...digestHeaders(a.digest) } });
}

async function discoverRoute(c: RequestContext): Promise<Response> {
  const q = c.url.searchParams;
  const r = await discover(c.deps, {
    digest: c.params.digest!,
    kind: stringParam(q, "kind"),
    limit: numberParam(q, "limit"),
    next: stringParam(q, "next"),
    scope: c.scope,
  });
  return json(200, r);
}

export const runRoutes: Route[] = [
  { method: "GET", path: "/api/v1/runs", need: "viewer", action: "run.list", handler: list },
  // before /runs/:id/attestation, which the path /runs/by-digest/attestation would also match
  { method: "GET", path: "/api/v1/runs/by-digest/:digest", need: "viewer", action: "run.read", handler: async (c) => json(200, await describeRun(c.deps, { digest: c.params.digest!, scope: c.scope })) },
  { method: "GET", path: "/api/v1/runs/:id", need: "viewer", action: "run.read", handler: async (c) => json(200, await describeRun(c.deps, { id: c.params.id!, scope: c.scope })) },
  { method: "GET", path: "/api/v1/runs/:id/attestation", need: "viewer", action: "attestation.read", handler: attestation },
  { method: "GET", path: "/api/v1/discover/:digest", need: "viewer", action: "discover", handler: discoverRoute },
];
