import type { Handler } from "./context.ts";

/**
 * Who may call a route: any valid token, organization-level tokens only (not project/workflow-scoped ones), or the
 * instance admin token. Tokens below the level get the route's fixed 404 (never 403, never data-dependent).
 */
export type Access = "any" | "org" | "admin";

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** "/api/v1/workflows/:project/:name": `:x` matches one decoded segment. */
  path: string;
  access: Access;
  handler: Handler;
}

export type Match =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method"; allow: string[] }
  | { kind: "none" };

interface Compiled {
  route: Route;
  parts: string[];
}

/** A list of routes matched segment by segment; a path matching only under other methods is 405 with Allow. */
export class Router {
  private readonly routes: Compiled[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) this.routes.push({ route, parts: route.path.split("/").slice(1) });
    return this;
  }

  match(method: string, segments: string[]): Match {
    const allow: string[] = [];
    for (const c of this.routes) {
      const params = matchParts(c.parts, segments);
      if (!params) continue;
      if (c.route.method === method) return { kind: "found", route: c.route, params };
      allow.push(c.route.method);
    }
    return allow.length > 0 ? { kind: "method", allow: [...new Set(allow)] } : { kind: "none" };
  }
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith(":")) params[p.slice(1)] = segments[i]!;
    else if (p !== segments[i]) return undefined;
  }
  return params;
}
