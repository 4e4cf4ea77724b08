import { CairnError, httpStatusFor } from "../../errors.ts";
import { roleAtLeast, type Role } from "../../services/control/roles.ts";
import { html, type Html, type Part } from "./html.ts";

export const STYLESHEET_PATH = "/assets/cairn.css";
export const ICON_PATH = "/assets/cairn.svg";

/**
 * No scripts at all, styles only from our own stylesheet, forms post only to us, never framed: a stored value that
 * slipped past escaping could still not run or load anything.
 */
export const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SECURITY_HEADERS = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  // Not no-referrer: with it Chromium sends "Origin: null" on our own form posts, which the origin check must refuse.
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

/** The signed-in frame: organization, who is signed in, navigation and logout (a POST form: no script needed). */
export interface Chrome {
  org: string;
  /** The session token's role and scope ("organization", "project p1", "workflow p1/build"). */
  role: Role;
  scope: string;
}

export function page(title: string, body: Part, chrome?: Chrome): Html {
  const audit = chrome && roleAtLeast(chrome.role, "maintainer") ? html`<a href="/audit">Audit</a><a href="/webhooks">Webhooks</a>` : "";
  const header = chrome
    ? html`<header><span class="brand">cairn</span><span class="org">organization <strong>${chrome.org}</strong></span>
<span class="who" id="session-role">${chrome.role} · ${chrome.scope}</span>
<nav><a href="/">Dashboard</a><a href="/discover">Discover</a>${audit}</nav>
<form method="post" action="/logout"><button type="submit">Log out</button></form></header>`
    : html``;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · cairn</title><link rel="stylesheet" href="${STYLESHEET_PATH}"><link rel="icon" href="${ICON_PATH}" type="image/svg+xml"></head>
<body>${header}<main>${body}</main></body></html>`;
}

export function htmlResponse(body: Html, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body.value, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...SECURITY_HEADERS, ...headers },
  });
}

export function redirect(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store", ...SECURITY_HEADERS, ...headers } });
}

/** A service error as a page: its HTTP status, message and hint. Anything else is a bug: 500 without details. */
export function errorPage(e: unknown, chrome?: Chrome): Response {
  if (e instanceof CairnError) {
    const status = httpStatusFor(e);
    const body = html`<section class="notice bad"><h1>${status === 404 ? "Not found" : "Cannot show this"}</h1>
<p>${e.message}</p>${e.hint ? html`<p class="muted">${e.hint}</p>` : ""}<p><a href="/">Back to the dashboard</a></p></section>`;
    return htmlResponse(page(status === 404 ? "Not found" : "Error", body, chrome), status);
  }
  const body = html`<section class="notice bad"><h1>Internal error</h1><p>The server could not render this page; its log has the details.</p></section>`;
  return htmlResponse(page("Internal error", body, chrome), 500);
}

/** An embedded asset: public (the login page needs it), cacheable, under the same headers as the pages. */
export function assetResponse(body: string, contentType: string): Response {
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "public, max-age=3600", ...SECURITY_HEADERS } });
}
