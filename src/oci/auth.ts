/**
 * Registry authentication: anonymous first; on 401 follow the `WWW-Authenticate` challenge — a Bearer token from the
 * realm (with basic credentials when we have them), cached per scope, or basic auth for a `Basic` challenge.
 */
import { CairnError } from "../errors.ts";
import type { Credentials } from "./types.ts";

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://a/token",service="reg",scope="repository:x:pull"` (quoted values may hold commas). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
  for (const p of (m[2] ?? "").matchAll(re)) {
    const key = (p[1] ?? "").toLowerCase();
    params[key] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : (p[3] ?? "");
  }
  return { scheme: (m[1] ?? "").toLowerCase(), params };
}

export function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
}

export interface AuthState {
  /** Authorization header values by scope key ("" = the registry-wide ping). */
  tokens: Map<string, string>;
  /** Set once the registry asked for Basic: every request then carries it. */
  basic?: string;
}

/** The Authorization header to send up front for a scope, if we already know one. */
export function knownAuth(state: AuthState, scope: string): string | undefined {
  return state.basic ?? state.tokens.get(scope);
}

/**
 * Answers a challenge: returns the Authorization header to retry with, or undefined when the challenge cannot be
 * answered (no credentials for Basic, unknown scheme) so the 401 stands.
 */
export async function answerChallenge(
  ch: Challenge,
  scope: string,
  scopes: string[],
  ctx: { registry: string; credentials?: Credentials; fetch: typeof fetch; state: AuthState },
): Promise<string | undefined> {
  if (ch.scheme === "basic") {
    if (!ctx.credentials) return undefined;
    ctx.state.basic = basicHeader(ctx.credentials);
    return ctx.state.basic;
  }
  if (ch.scheme !== "bearer" || !ch.params.realm) return undefined;
  const token = await fetchToken(ch, scopes, ctx);
  const header = `Bearer ${token}`;
  ctx.state.tokens.set(scope, header);
  return header;
}

async function fetchToken(
  ch: Challenge,
  scopes: string[],
  ctx: { registry: string; credentials?: Credentials; fetch: typeof fetch },
): Promise<string> {
  const realm = ch.params.realm ?? "";
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new CairnError("NETWORK", `registry ${ctx.registry} sent a Bearer challenge with an invalid realm "${realm}"`, {
      hint: "the registry's token service is misconfigured; ask its operator",
    });
  }
  if (ch.params.service) url.searchParams.set("service", ch.params.service);
  const wanted = new Set(scopes.filter((s) => s !== ""));
  if (ch.params.scope) for (const s of ch.params.scope.split(" ")) wanted.add(s);
  for (const s of wanted) url.searchParams.append("scope", s);
  const headers: Record<string, string> = {};
  if (ctx.credentials) headers.authorization = basicHeader(ctx.credentials);
  let res: Response;
  try {
    res = await ctx.fetch(url, { headers });
  } catch (e) {
    throw new CairnError("NETWORK", `registry ${ctx.registry}: its token service ${url.origin} is unreachable`, {
      hint: `is ${url.host} reachable from here?`,
      cause: e,
    });
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new CairnError("UNAUTHENTICATED", `registry ${ctx.registry}: the token service refused ${ctx.credentials ? `user "${ctx.credentials.username}"` : "anonymous access"} (${res.status})`, {
      hint: ctx.credentials
        ? "check the username and the password in --password-env (or the docker config entry)"
        : `set --username/--password-env or \`docker login ${ctx.registry}\``,
    });
  }
  const body = (await res.json().catch(() => undefined)) as { token?: unknown; access_token?: unknown } | undefined;
  const token = typeof body?.token === "string" ? body.token : typeof body?.access_token === "string" ? body.access_token : undefined;
  if (!res.ok || !token) {
    throw new CairnError("NETWORK", `registry ${ctx.registry}: the token service ${url.origin} answered ${res.status} without a token`, {
      hint: "retry later; if it persists the registry's token service is misconfigured",
    });
  }
  return token;
}
