import type { Role } from "../services/control/roles.ts";
import type { Handler, RequestContext } from "./context.ts";

/** The least a token must be to call a route: a role, or the instance admin token printed at first start. */
export type Need = Role | "instance-admin";

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** "/api/v1/workflows/:project/:name": `:x` matches one decoded segment; a final `*x` one or more (joined by "/"). */
  path: string;
  need: Need;
  /**
   * What the route does, as the audit trail and refusals name it (`contract.update`, `push`, `run.read`).
   * State-changing routes are audited on every call; reads only when the role refuses them.
   */
  action: string;
  /**
   * For routes acting on a scoped thing named in the path: throws the NOT_FOUND the handler throws for an absent one
   * when the thing is outside the token's scope. Runs before the role check, so a refusal by role (403) is only ever
   * given for things the token can see, and outside its scope every answer is the not-found one.
   */
  target?: (c: RequestContext) => Promise<unknown>;
  /** A POST that changes nothing (a preview): audited as a read is. */
  safe?: true;
  handler: Handler;
}

export type Match<R = Route> =
  | { kind: "found"; route: R; params: Record<string, string> }
  | { kind: "method"; allow: string[] }
  | { kind: "none" };

interface Compiled<R> {
  route: R;
  parts: string[];
}

/** A list of routes matched segment by segment; a path matching only under other methods is 405 with Allow. */
export class Router<R extends { method: string; path: string } = Route> {
  private readonly compiled: Compiled<R>[] = [];

  add(...routes: R[]): this {
    for (const route of routes) this.compiled.push({ route, parts: route.path.split("/").slice(1) });
    return this;
  }

  /** Every route, in matching order (the authorization tests check each one). */
  routes(): readonly R[] {
    return this.compiled.map((c) => c.route);
  }

  match(method: string, segments: string[]): Match<R> {
    const allow: string[] = [];
    for (const c of this.compiled) {
      const params = matchParts(c.parts, segments);
      if (!params) continue;
      if (c.route.method === method) return { kind: "found", route: c.route, params };
      allow.push(c.route.method);
    }
    return allow.length > 0 ? { kind: "method", allow: [...new Set(allow)] } : { kind: "none" };
  }
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | undefined {
  const rest = parts.at(-1)?.startsWith("*") ? parts.at(-1)!.slice(1) : undefined;
  if (rest !== undefined) {
    // "/a/*rest": one or more further segments, joined with "/" into params.rest (each already decoded)
    if (segments.length < parts.length) return undefined;
    const head = matchParts(parts.slice(0, -1), segments.slice(0, parts.length - 1));
    return head && { ...head, [rest]: segments.slice(parts.length - 1).join("/") };
  }
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith(":")) params[p.slice(1)] = segments[i]!;
    else if (p !== segments[i]) return undefined;
  }
  return params;
}
