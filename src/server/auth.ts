import { CairnError } from "../errors.ts";
import { authenticateToken } from "../services/control/tokens.ts";
import type { Reporter, ServiceDeps } from "../services/deps.ts";
import type { Scope } from "../store/ports.ts";
import { SESSION_COOKIE, type Principal, type WebContext } from "./web-seam.ts";

/** The bearer token of an /api request; the session cookie is never accepted there. */
export function bearerToken(req: Request): string {
  const header = req.headers.get("authorization");
  if (header === null) {
    throw new CairnError("UNAUTHENTICATED", "the request has no API token", {
      hint: "send `Authorization: Bearer cairn_…` (create a token with `cairn org api-token create`)",
    });
  }
  const m = /^Bearer +(\S+) *$/i.exec(header);
  if (!m) {
    throw new CairnError("UNAUTHENTICATED", "the Authorization header is not `Bearer <token>`", { hint: "send `Authorization: Bearer cairn_…`" });
  }
  return m[1]!;
}

/** A token → who it speaks for; unknown, malformed, revoked and expired tokens are UNAUTHENTICATED (401). */
export async function authenticate(app: ServiceDeps, token: string): Promise<Principal> {
  const id = await authenticateToken(app, token);
  return {
    tokenId: id.tokenId,
    tokenName: id.tokenName,
    role: id.role,
    orgId: id.orgId,
    orgName: id.orgName,
    admin: id.admin,
    ...(id.projectId ? { projectId: id.projectId } : {}),
    ...(id.workflowId ? { workflowId: id.workflowId } : {}),
  };
}

export function scopeOf(p: Principal): Scope | undefined {
  if (p.projectId === undefined && p.workflowId === undefined) return undefined;
  return { ...(p.projectId ? { projectId: p.projectId } : {}), ...(p.workflowId ? { workflowId: p.workflowId } : {}) };
}

/** The services as the principal sees them: config.organization is its organization's name, actor its token. */
export function scopedDeps(app: ServiceDeps, p: Principal, reporter: Reporter = app.reporter): ServiceDeps {
  return { ...app, reporter, config: { ...app.config, organization: p.orgName }, actor: { tokenId: p.tokenId, tokenName: p.tokenName, role: p.role } };
}

/** The web view's session: the `cairn_session` cookie checked exactly as a bearer token; absent when invalid. */
export async function webSession(app: ServiceDeps, req: Request): Promise<WebContext["session"]> {
  const token = cookie(req, SESSION_COOKIE);
  if (token === undefined) return undefined;
  try {
    const principal = await authenticate(app, token);
    return { principal, deps: scopedDeps(app, principal) };
  } catch (e) {
    if (e instanceof CairnError && e.code === "UNAUTHENTICATED") return undefined;
    throw e;
  }
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
