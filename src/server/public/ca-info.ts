// The read-only faces of the CA: Fulcio's GET /api/v2/trustBundle and /api/v2/configuration, and the Sigstore
// trusted_root.json (GET /api/v1/trusted-root) that verifiers need — CA chain and TSA chain, no CT log.
import { CairnError } from "../../errors.ts";
import { tlogEntryJson } from "../../services/tlog/identity.ts";
import { json } from "../http.ts";
import type { PublicContext } from "../public-routes.ts";
import { sigstoreError } from "./answer.ts";

const noCa = () => new CairnError("NOT_CONFIGURED", "this server has no certificate authority", { hint: "on the server: `cairn ca init` (or `cairn ca import`), then restart `cairn serve`" });

export function trustBundle(c: PublicContext): Response {
  const ca = c.trust.ca;
  if (!ca) return sigstoreError(noCa());
  return json(200, { chains: [{ certificates: ca.caChainPem }] });
}

/** Which OIDC issuers this CA takes (Fulcio's configuration): its own, and each registered CI issuer. */
export async function configuration(c: PublicContext): Promise<Response> {
  if (!c.trust.ca) return sigstoreError(noCa());
  const external = (await c.trust.oidc?.external()) ?? [];
  const issuers = [
    ...(c.trust.oidc ? [{ issuerUrl: c.publicUrl, audience: "sigstore", challengeClaim: "sub" }] : []),
    ...external.map((i) => ({ issuerUrl: i.issuer, audience: i.audience, challengeClaim: "sub" })),
  ];
  return json(200, { issuers });
}

/** The trusted root, its CA and TSA entries pointing at this server's public URL, and its transparency log. */
export function trustedRoot(c: PublicContext): Response {
  const ca = c.trust.ca;
  if (!ca) return sigstoreError(noCa());
  const root = JSON.parse(ca.trustedRootJson) as { certificateAuthorities?: { uri?: string }[]; timestampAuthorities?: { uri?: string }[]; tlogs?: unknown[] };
  for (const a of root.certificateAuthorities ?? []) a.uri = c.publicUrl;
  for (const a of root.timestampAuthorities ?? []) a.uri = `${c.publicUrl}/api/v1/timestamp`;
  const log = c.trust.log?.identity;
  if (log) root.tlogs = [tlogEntryJson(log.origin, c.publicUrl, log.publicKeySpki, log.createdAt)];
  return json(200, root);
}
