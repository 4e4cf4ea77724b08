import type { ServiceDeps } from "../services/deps.ts";
import type { NewAuditEvent } from "../store/audit-port.ts";
import { ADMIN_ORG } from "./bootstrap.ts";
import type { Limits } from "./context.ts";
import { configuration, trustBundle, trustedRoot } from "./public/ca-info.ts";
import { discovery, jwks } from "./public/oidc.ts";
import { signingCert } from "./public/signing-cert.ts";
import { timestamp, timestampChain } from "./public/timestamp.ts";
import { checkpoint, tile } from "./public/tlog-read.ts";
import { createEntry } from "./public/tlog-write.ts";
import { Router } from "./router.ts";
import type { TrustServices } from "./trust.ts";

/**
 * Routes that take no API token: the Sigstore-compatible CA, TSA and trust-root endpoints and OIDC discovery. Their
 * clients (sigstore-js, cosign, openssl, curl) authenticate by other means or not at all, so each handler checks what
 * it needs itself (an OIDC ID token, a body's shape) and writes its own audit rows.
 */
export interface PublicContext {
  req: Request;
  url: URL;
  params: Record<string, string>;
  app: ServiceDeps;
  limits: Limits;
  trust: TrustServices;
  /** The server's public URL (`--public-url`, default the listen URL), no trailing slash: OIDC `iss`, SAN prefix. */
  publicUrl: string;
  /** Commits an audit row before the answer leaves (group-committed with the other requests' rows). */
  audit(row: NewAuditEvent): Promise<void>;
  /** Where refusals that name no organization are recorded: the instance admin's organization. */
  anonymousOrgId(): Promise<string>;
}

export interface PublicRoute {
  method: "GET" | "POST";
  path: string;
  handler: (c: PublicContext) => Promise<Response> | Response;
}

/** Every route without an API token (documented in docs/api.md); tried before the token-authenticated /api/v1 table. */
export function publicRouter(): Router<PublicRoute> {
  return new Router<PublicRoute>().add(
    { method: "POST", path: "/api/v2/signingCert", handler: signingCert },
    { method: "GET", path: "/api/v2/trustBundle", handler: trustBundle },
    { method: "GET", path: "/api/v2/configuration", handler: configuration },
    { method: "GET", path: "/api/v1/trusted-root", handler: trustedRoot },
    { method: "POST", path: "/api/v1/timestamp", handler: timestamp },
    { method: "GET", path: "/api/v1/timestamp/certchain", handler: timestampChain },
    { method: "GET", path: "/.well-known/openid-configuration", handler: discovery },
    { method: "GET", path: "/.well-known/jwks.json", handler: jwks },
    { method: "POST", path: "/api/v2/log/entries", handler: createEntry },
    { method: "GET", path: "/api/v1/log/checkpoint", handler: checkpoint },
    { method: "GET", path: "/api/v1/log/tile/*rest", handler: tile },
  );
}

/** The instance admin's organization id (created on first use, as bootstrap does). */
export async function anonymousOrgId(app: ServiceDeps): Promise<string> {
  return (await app.repo.findOrg(ADMIN_ORG))?.id ?? (await app.repo.ensureOrg(ADMIN_ORG, app.clock.now().toISOString())).id;
}

/** The audit row of a caller no organization vouches for (a foreign or malformed credential, a garbage request). */
export async function anonymousEvent(c: PublicContext, what: Pick<NewAuditEvent, "action" | "target" | "outcome" | "status">): Promise<NewAuditEvent> {
  return { orgId: await c.anonymousOrgId(), at: c.app.clock.now().toISOString(), tokenId: null, actor: "anonymous", role: null, ...what };
}
