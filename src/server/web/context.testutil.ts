// Test support standing in for the HTTP server (being built elsewhere): it builds the WebContext the server will hand
// the web handler, from the session cookie, with authenticateToken and deps scoped via config.organization.
import { isCairnError } from "../../errors.ts";
import { authenticateToken } from "../../services/control/tokens.ts";
import type { ServiceDeps } from "../../services/deps.ts";
import { SESSION_COOKIE, type WebContext, type WebHandler } from "../web-seam.ts";

export function sessionToken(req: Request): string | undefined {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === SESSION_COOKIE) return v.join("=");
  }
  return undefined;
}

export async function webContextFor(app: ServiceDeps, req: Request): Promise<WebContext> {
  const token = sessionToken(req);
  if (!token) return { app };
  try {
    const id = await authenticateToken(app, token);
    const orgName = (await app.orgs.listOrgs(1000)).find((o) => o.id === id.orgId)!.name;
    const deps = { ...app, config: { ...app.config, organization: orgName } };
    return { app, session: { principal: { ...id, orgName, admin: false }, deps } };
  } catch (e) {
    if (isCairnError(e, "UNAUTHENTICATED")) return { app };
    throw e;
  }
}

/** What the server does for a non-API path: the web handler's answer, or 404 when it is not a web path. */
export async function serveWeb(handler: WebHandler, app: ServiceDeps, req: Request): Promise<Response> {
  if (new URL(req.url).pathname.startsWith("/api/")) return new Response("not found", { status: 404 });
  return (await handler(req, await webContextFor(app, req))) ?? new Response("not found", { status: 404 });
}
