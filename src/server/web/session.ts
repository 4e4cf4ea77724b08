import { isCairnError } from "../../errors.ts";
import { authenticateToken } from "../../services/control/tokens.ts";
import type { ServiceDeps } from "../../services/deps.ts";
import { tokenEvent } from "../audit-log.ts";
import { SESSION_COOKIE } from "../web-seam.ts";
import { html, type Html } from "./html.ts";
import { htmlResponse, page, redirect } from "./layout.ts";

/** A login form body holds one token (~50 bytes): anything much larger is refused unread. */
const MAX_FORM_BYTES = 4096;

/** Where to go after login: only a path on this site ("/x", never "//host" or "/\host", which browsers treat as another host). */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : "/";
}

export function loginPage(next: string, error?: string): Html {
  return page(
    "Log in",
    html`<section class="login"><h1>cairn operator view</h1>
<p class="muted">Log in with an API token of your organization (<code>cairn org api-token create</code>). Any role works: each sees what its scope holds.</p>
${error ? html`<p class="error" id="login-error">${error}</p>` : ""}
<form method="post" action="/login"><input type="hidden" name="next" value="${next}">
<p><input type="password" name="token" autocomplete="off" placeholder="cairn_…" aria-label="API token" required></p>
<button class="primary" type="submit">Log in</button></form></section>`,
  );
}

/**
 * `POST /login`: checks the token as every API request will (unknown, revoked, expired and malformed tokens are
 * refused with the reason, 401) and keeps it in an HttpOnly, SameSite=Strict cookie for the server to authenticate
 * on every later request. Every role may log in; the pages show only the token's scope. The login is audited.
 */
export async function login(req: Request, app: ServiceDeps): Promise<Response> {
  const form = await readForm(req);
  const next = safeNext(form?.get("next") ?? null);
  const token = form?.get("token")?.trim() ?? "";
  const again = (status: number, reason: string) => htmlResponse(loginPage(next, reason), status);
  if (!form) return again(413, "The login form was too large.");
  if (!token) return again(401, "Enter an API token.");
  try {
    const id = await authenticateToken(app, token);
    await app.audit.append(tokenEvent(id, app.clock.now(), { action: "session.login", target: "", outcome: "ok", status: 303 }));
  } catch (e) {
    if (!isCairnError(e, "UNAUTHENTICATED")) throw e;
    return again(401, `Not logged in: ${e.message}.`);
  }
  return redirect(next, { "set-cookie": sessionCookie(token, isHttps(req)) });
}

/** `POST /logout`: the cookie is cleared (the token itself stays valid: revoke it with `org api-token revoke`). */
export function logout(req: Request): Response {
  return redirect("/login", { "set-cookie": sessionCookie("", isHttps(req), 0) });
}

export function sessionCookie(value: string, secure: boolean, maxAge?: number): string {
  const attrs = [`${SESSION_COOKIE}=${value}`, "Path=/", "HttpOnly", "SameSite=Strict"];
  if (maxAge !== undefined) attrs.push(`Max-Age=${maxAge}`);
  if (secure) attrs.push("Secure");
  return attrs.join("; ");
}

/** Direct https, or https terminated by a proxy that says so (only ever adds Secure, so trusting it is harmless). */
function isHttps(req: Request): boolean {
  return new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/** Cross-site form posts are refused: a browser always sends Origin on POST, and it must be this site. */
export function sameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (origin === null) return true; // not a browser form post (curl, tests): nothing a cookie could be abused by
  const host = req.headers.get("host");
  try {
    return origin === new URL(req.url).origin || (host !== null && new URL(origin).host === host);
  } catch {
    return false; // "null" (sandboxed or privacy-sensitive contexts) and garbage
  }
}

/** The url-encoded form, or undefined when the body exceeds MAX_FORM_BYTES (read no further than that). */
async function readForm(req: Request): Promise<URLSearchParams | undefined> {
  if (Number(req.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) return undefined;
  if (!req.body) return new URLSearchParams();
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_FORM_BYTES) {
      await reader.cancel();
      return undefined;
    }
    parts.push(value);
  }
  return new URLSearchParams(Buffer.concat(parts).toString("utf8"));
}
