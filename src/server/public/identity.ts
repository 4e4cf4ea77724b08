// From an OIDC ID token to the identity a certificate may name: cairn's own tokens name a workflow of an API token's
// scope (assertStillAllowed re-checks that token); CI tokens map as Fulcio maps them (ci-identity.ts).
import { CairnError } from "../../errors.ts";
import { ciCertIdentity } from "../../oidc/ci-identity.ts";
import { verifyIdentityToken } from "../../oidc/verify.ts";
import { roleAtLeast, isRole } from "../../services/control/roles.ts";
import { inScope } from "../../services/control/workflows.ts";
import { workflowIdentity, type VerifiedIdentity } from "../../trust/identity.ts";
import type { PublicContext } from "../public-routes.ts";

const refused = (why: string) => new CairnError("CREDENTIAL_INVALID", `the identity token ${why}`, { hint: "get a fresh one: POST /api/v1/identity-token with an attestor API token (`att push` does it)" });

export async function verifiedIdentity(c: PublicContext, token: string): Promise<VerifiedIdentity> {
  const oidc = c.trust.oidc;
  if (!oidc) throw new CairnError("NOT_CONFIGURED", "this server verifies no identity tokens", { hint: "start `cairn serve` with a writable home" });
  const now = c.app.clock.now();
  const v = await verifyIdentityToken(token, { own: { issuer: c.publicUrl, key: oidc.key }, external: await oidc.external(), now });
  if (v.kind === "external") {
    const { cert, proofSubject } = ciCertIdentity(v.issuer, v.claims);
    const org = v.registration.org ? await c.app.orgs.getOrg(v.registration.org) : undefined;
    return { issuer: v.issuer, subject: v.subject, proofSubject, claims: v.claims, cert, auditOrgId: org?.id ?? (await c.anonymousOrgId()), actor: `oidc:${v.issuer} ${v.subject}`.slice(0, 300) };
  }
  const claim = (name: string) => {
    const value = v.claims[name];
    if (typeof value !== "string" || value === "") throw refused(`has no ${name} claim`);
    return value;
  };
  const [orgName, project, workflow, tokenId, tokenName, role] = [claim("org"), claim("project"), claim("workflow"), claim("token_id"), claim("token_name"), claim("role")];
  const org = await c.app.orgs.getOrg(orgName);
  if (!org) throw refused(`names organization ${orgName}, which does not exist`);
  const san = workflowIdentity(c.publicUrl, org.name, project, workflow);
  if (v.subject !== san) throw refused(`names ${v.subject}, not the workflow identity ${san}`);
  return {
    issuer: c.publicUrl,
    subject: san,
    proofSubject: san,
    claims: v.claims,
    cert: { san: { type: "uri", value: san }, issuer: c.publicUrl, extensions: {} },
    cairn: { orgId: org.id, orgName: org.name, tokenId, tokenName, role, project, workflow },
    auditOrgId: org.id,
    actor: `token:${tokenName}`,
  };
}

/**
 * For an identity from cairn's own issuer: the API token it stands for must still be live and may sign, and the
 * workflow must still exist in its scope — checked on every issuance, so revoking the API token stops certificates
 * at once. Refusals here are audited under the token's name.
 */
export async function assertStillAllowed(c: PublicContext, who: VerifiedIdentity): Promise<void> {
  const id = who.cairn;
  if (!id) return;
  const t = await c.app.orgs.getToken(id.orgId, id.tokenId);
  if (!t) throw refused("names an API token that does not exist");
  if (t.revokedAt !== null) throw refused(`stands for API token ${t.name}, which was revoked at ${t.revokedAt}`);
  if (t.expiresAt !== null && t.expiresAt <= c.app.clock.now().toISOString()) throw refused(`stands for API token ${t.name}, which expired at ${t.expiresAt}`);
  if (!isRole(t.role) || !roleAtLeast(t.role, "attestor")) throw refused(`stands for API token ${t.name}, whose role ${t.role} may not sign`);
  const wf = await c.app.workflows.getWorkflow(id.orgId, id.project, id.workflow);
  if (!wf || !inScope(wf, { ...(t.projectId !== null && { projectId: t.projectId }), ...(t.workflowId !== null && { workflowId: t.workflowId }) })) {
    throw refused(`names workflow ${id.project}/${id.workflow}, which does not exist in the API token's scope`);
  }
}
