// POST /api/v2/signingCert — Fulcio's v2 API: an OIDC ID token (cairn's own, or a registered CI issuer's) and a
// public key with proof of possession (or a CSR) buy a 10-minute code-signing certificate naming the token's identity.
// Every answer, issued or refused, is one audit row; a refusal issues nothing.
import { CairnError } from "../../errors.ts";
import { checkProofOfPossession, parseSigningCertRequest, signingCertResponse } from "../../ca/request.ts";
import { issueCertificate } from "../../ca/issue.ts";
import type { VerifiedIdentity } from "../../trust/identity.ts";
import { readBytes } from "../http.ts";
import { assertStillAllowed, verifiedIdentity } from "./identity.ts";
import { anonymousEvent, type PublicContext } from "../public-routes.ts";
import { errorOutcome } from "../audit-log.ts";
import { sigstoreError } from "./answer.ts";

/** A signing-cert request is a token and a key: a few KiB. */
export const MAX_SIGNING_CERT_REQUEST = 64 * 1024;

export async function signingCert(c: PublicContext): Promise<Response> {
  let who: VerifiedIdentity | undefined;
  try {
    const ca = c.trust.ca;
    if (!ca) throw new CairnError("NOT_CONFIGURED", "this server has no certificate authority", { hint: "on the server: `cairn ca init` (or `cairn ca import`), then restart `cairn serve`; or sign with --key" });
    const type = c.req.headers.get("content-type") ?? "";
    if (!/^application\/json\b/i.test(type)) throw new CairnError("UNSUPPORTED_MEDIA_TYPE", `signingCert takes application/json, not ${JSON.stringify(type.slice(0, 100))}`, { hint: "send Fulcio's v2 JSON request" });
    const text = new TextDecoder().decode(await readBytes(c.req, MAX_SIGNING_CERT_REQUEST));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CairnError("USAGE", "the signingCert request is not JSON", { hint: "send Fulcio's v2 JSON: {credentials: {oidcIdentityToken}, publicKeyRequest: {...}}" });
    }
    const req = await parseSigningCertRequest(body);
    const token = req.token ?? bearer(c.req);
    if (!token) throw new CairnError("CREDENTIAL_INVALID", "the signingCert request carries no OIDC identity token", { hint: "set credentials.oidcIdentityToken (or Authorization: Bearer) to a token from POST /api/v1/identity-token" });
    who = await verifiedIdentity(c, token);
    await assertStillAllowed(c, who);
    if (req.proof.kind === "pop") checkProofOfPossession(req.spki, req.proof.signature, who.proofSubject);
    const issued = await issueCertificate(ca, { publicKeySpki: req.spki, identity: who.cert, now: c.app.clock.now() });
    await c.audit(await event(c, who, { action: "certificate.issue", target: `certificate ${issued.serial} for ${who.cert.san.value}`.slice(0, 300), outcome: "ok", status: 201 }));
    return new Response(`${JSON.stringify(signingCertResponse(issued.chainPem))}\n`, { status: 201, headers: { "Content-Type": "application/json" } });
  } catch (e) {
    const target = who ? `certificate for ${who.cert.san.value}`.slice(0, 300) : "certificate";
    await c.audit(await event(c, who, { action: "certificate.issue", target, ...errorOutcome(e) }));
    return sigstoreError(e);
  }
}

/** The OIDC token in `Authorization: Bearer` (what sigstore-go sends); auth.ts's bearerToken speaks of API tokens. */
function bearer(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "");
  return m?.[1];
}

function event(c: PublicContext, who: VerifiedIdentity | undefined, what: { action: string; target: string; outcome: string; status: number }) {
  if (!who) return anonymousEvent(c, what);
  return { orgId: who.auditOrgId, at: c.app.clock.now().toISOString(), tokenId: who.cairn?.tokenId ?? null, actor: who.actor, role: who.cairn?.role ?? null, ...what };
}
