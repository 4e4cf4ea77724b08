// POST /api/v1/identity-token: an `attestor` API token buys a short-lived OIDC ID token naming one workflow of its
// scope (`sub` = the workflow identity URI), which /api/v2/signingCert — or any client that speaks Fulcio, such as
// sigstore-js's FulcioSigner — exchanges for a certificate. A workflow outside the token's scope is the same 404 as a
// missing one: the refusal tells a caller nothing about other projects.
import { CairnError } from "../../errors.ts";
import { mintIdentityToken } from "../../oidc/tokens.ts";
import { workflowIdentity } from "../../trust/identity.ts";
import { findWorkflow } from "../../services/control/workflows.ts";
import type { WorkflowRecord } from "../../store/workflow-port.ts";
import type { RequestContext } from "../context.ts";
import { field, json, readJsonObject } from "../http.ts";
import type { Route } from "../router.ts";
import { onlyFields } from "./fields.ts";

/** The lifetime of an identity token: long enough for one push, short enough to be useless once leaked. */
export const IDENTITY_TOKEN_TTL_SECONDS = 300;
const AUDIENCE = /^[\x21-\x7e]{1,200}$/;

async function create(c: RequestContext): Promise<Response> {
  const oidc = c.trust.oidc;
  if (!oidc) throw new CairnError("NOT_CONFIGURED", "this server issues no identity tokens", { hint: "start `cairn serve` with a writable home: its OIDC key is created there" });
  const b = await readJsonObject(c.req, c.limits.maxBodyBytes);
  onlyFields(b, ["workflow", "audience"]);
  const audience = field(b, "audience") ?? "sigstore";
  if (!AUDIENCE.test(audience)) throw new CairnError("USAGE", "audience must be 1-200 printable characters without spaces", { hint: "omit it for `sigstore`, what Fulcio and cairn expect" });
  const wf = await scopedWorkflow(c, field(b, "workflow"));
  c.audit.target = `workflow ${wf.project}/${wf.name}`;
  const subject = workflowIdentity(c.publicUrl, c.principal.orgName, wf.project, wf.name);
  const claims = {
    org: c.principal.orgName,
    project: wf.project,
    workflow: wf.name,
    token_id: c.principal.tokenId,
    token_name: c.principal.tokenName,
    role: c.principal.role,
  };
  const minted = await mintIdentityToken(oidc.key, { issuer: c.publicUrl, subject, audience, claims, now: c.app.clock.now(), ttlSeconds: IDENTITY_TOKEN_TTL_SECONDS });
  return json(200, { token: minted.token, subject, issuer: c.publicUrl, audience, expiresAt: minted.expiresAt.toISOString() });
}

/**
 * The workflow the identity token will name: the token's own when it is scoped to one (a different name is refused
 * as not found), else the `project/name` the body gives, which must be a live workflow inside the token's scope.
 */
async function scopedWorkflow(c: RequestContext, named: string | undefined): Promise<WorkflowRecord> {
  const orgId = c.principal.orgId;
  if (named === undefined) {
    const own = c.scope?.workflowId ? await c.app.workflows.listWorkflows({ orgId, scope: c.scope, limit: 2 }) : [];
    if (own.length === 1) return own[0]!;
    throw new CairnError("USAGE", "workflow is required: this token is not scoped to one workflow", { hint: 'send {"workflow": "PROJECT/NAME"}' });
  }
  const slash = named.indexOf("/");
  if (slash <= 0 || slash === named.length - 1) throw new CairnError("USAGE", `workflow ${JSON.stringify(named.slice(0, 200))} is not PROJECT/NAME`, { hint: 'e.g. {"workflow": "app/build"}' });
  return findWorkflow(c.deps, named.slice(slash + 1), named.slice(0, slash), c.scope);
}

export const identityTokenRoutes: Route[] = [{ method: "POST", path: "/api/v1/identity-token", need: "attestor", action: "identity-token.create", handler: create }];
