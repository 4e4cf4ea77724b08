import { CairnError, isCairnError } from "../../errors.ts";
import { complianceReport, staleDaysFromEnv } from "../../services/control/compliance.ts";
import { describeContract } from "../../services/control/contracts.ts";
import { discover } from "../../services/control/discover.ts";
import type { VerificationKey } from "../../services/control/org-keys.ts";
import { currentOrgId, describeRun, isAttested, runAttestation } from "../../services/control/runs.ts";
import type { ServiceDeps } from "../../services/deps.ts";
import type { Scope } from "../../store/ports.ts";
import type { TrustPolicy } from "../../trust/policy.ts";
import { scopeOf } from "../auth.ts";
import type { Principal, WebContext, WebHandler } from "../web-seam.ts";
import { auditPage } from "./audit-page.ts";
import { ICON, STYLESHEET } from "./assets.ts";
import { parseRevision, renderContract, semanticChanges } from "./contract-page.ts";
import { parseStateFilter, renderDashboard, type RunPolicies } from "./dashboard.ts";
import { readPolicyStatus, type PolicyStatus } from "./policy-status.ts";
import type { ComplianceReport } from "../../services/control/compliance.ts";
import { discoverForm, renderDiscover, renderKindChoice } from "./discover-page.ts";
import { downloadResponse } from "./download.ts";
import { html, type Html } from "./html.ts";
import { assetResponse, errorPage, htmlResponse, ICON_PATH, page, redirect, STYLESHEET_PATH, type Chrome } from "./layout.ts";
import { renderRun, type Verification } from "./run-page.ts";
import { login, loginPage, logout, sameOrigin } from "./session.ts";
import { webhooksPage } from "./webhooks-page.ts";
import { workflowPage } from "./workflow-page.ts";

export interface WebOptions {
  /** The organization's registered public keys (`cairn org key add`); without them runs show "not verified". */
  verificationKeys?: (deps: ServiceDeps) => VerificationKey[] | Promise<VerificationKey[]>;
  /** Days without a successful run before a workflow is stale; default CAIRN_STALE_DAYS of the server's environment, else 7. */
  staleDays?: number;
}

/** A signed-in request as a page sees it: services of the session's organization, its token's scope and role. */
export interface View {
  deps: ServiceDeps;
  /** The token's project/workflow scope: every page shows only what is inside it (undefined: the organization). */
  scope?: Scope;
  principal: Principal;
}

/** A signed-in page: the view and the URL, rendering a titled body or answering with its own response. */
type PageHandler = (view: View, url: URL, params: string[]) => Promise<{ title: string; body: Html } | Response>;

interface Route {
  /** "/runs/:id": `:x` is one path segment, decoded and handed to the page in order. */
  path: string;
  handle: PageHandler;
}

/** The signed-in pages (GET and HEAD), as `Route.path`s; the authorization tests check every one. */
export const WEB_PAGES: readonly string[] = pageRoutes({}).map((r) => r.path);

/** A page's path template as an anchored pattern, one capture group per `:x` segment. */
const compile = (path: string) => new RegExp(`^${path.replace(/:[a-z]+/g, "([^/]+)")}$`);

/** The operator view behind the seam: login/logout, the pages, downloads and the stylesheet; undefined for other paths. */
export function createWebHandler(opts: WebOptions = {}): WebHandler {
  const routes = pageRoutes(opts).map((r) => ({ ...r, pattern: compile(r.path) }));
  return async (req, ctx) => {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path === STYLESHEET_PATH) return assetResponse(STYLESHEET, "text/css; charset=utf-8");
    if (path === ICON_PATH) return assetResponse(ICON, "image/svg+xml");
    if (path === "/login" || path === "/logout") return session(req, ctx, url).catch((e) => failed(e, req, ctx));
    const match = routes.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
    if (!match) return undefined;
    if (req.method !== "GET" && req.method !== "HEAD") return new Response("method not allowed", { status: 405, headers: { allow: "GET, HEAD" } });
    if (!ctx.session) return redirect(`/login?next=${encodeURIComponent(path + url.search)}`);
    const { principal, deps } = ctx.session;
    const view: View = { deps, principal, scope: scopeOf(principal) };
    const chrome: Chrome = { org: principal.orgName, role: principal.role, scope: await scopeLabel(principal, deps) };
    try {
      const params = match.m!.slice(1).map(decodeSegment);
      const out = await match.r.handle(view, url, params);
      return out instanceof Response ? out : htmlResponse(page(out.title, out.body, chrome));
    } catch (e) {
      return failed(e, req, ctx, chrome);
    }
  };
}

/** The error as a page; a non-CairnError is a bug, so its stack goes to the server's log (never to the browser). */
function failed(e: unknown, req: Request, ctx: WebContext, chrome?: Chrome): Response {
  if (!(e instanceof CairnError)) {
    ctx.app.reporter.warn(`web: ${req.method} ${new URL(req.url).pathname} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  return errorPage(e, chrome);
}

/** The handler with no registered keys: `cairn serve` wires createWebHandler({ verificationKeys }) instead. */
export const webHandler: WebHandler = createWebHandler();

async function session(req: Request, ctx: WebContext, url: URL): Promise<Response> {
  if (req.method === "GET" && url.pathname === "/login") return htmlResponse(loginPage(url.searchParams.get("next") ?? "/"));
  if (req.method !== "POST") return new Response("method not allowed", { status: 405, headers: { allow: url.pathname === "/login" ? "GET, POST" : "POST" } });
  if (!sameOrigin(req)) return errorPage(new CairnError("USAGE", "cross-site form posts are refused", { hint: "log in from this site's own /login page" }));
  return url.pathname === "/login" ? login(req, ctx.app) : logout(req);
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new CairnError("USAGE", `the path segment ${JSON.stringify(s)} is not valid percent-encoding`);
  }
}

function pageRoutes(opts: WebOptions): Route[] {
  return [
    { path: "/", handle: (v, url) => dashboard(v, url, opts) },
    { path: "/runs/:id", handle: (v, _url, [id]) => runPage(v, id!, opts) },
    { path: "/download/:digest", handle: (v, url, [digest]) => downloadResponse(v.deps, digest!, url.searchParams.get("run"), v.scope) },
    { path: "/discover", handle: (v, url) => discoverPage(v, url) },
    { path: "/contracts/:name", handle: (v, url, [name]) => contractPage(v, url, name!) },
    { path: "/audit", handle: (v, url) => auditPage(v, url) },
    { path: "/webhooks", handle: (v, url) => webhooksPage(v, url) },
    { path: "/workflows/:project/:name", handle: async (v, url, [project, name]) => workflowPage(v.deps, url, project!, name!, v.scope) },
  ];
}

/** "organization", "project p1" or "workflow p1/build": what the session may see, shown in the header. */
async function scopeLabel(p: Principal, deps: ServiceDeps): Promise<string> {
  if (!p.projectId && !p.workflowId) return "organization";
  const t = await deps.orgs.getToken(p.orgId, p.tokenId);
  return t?.workflow ? `workflow ${t.project}/${t.workflow}` : `project ${t?.project ?? "?"}`;
}

async function dashboard({ deps, scope }: View, url: URL, opts: WebOptions) {
  const filter = parseStateFilter(url.searchParams.get("state"));
  const report = await complianceReport(deps, { staleDays: opts.staleDays ?? staleDaysFromEnv(deps.config.env), state: filter, scope });
  return { title: "Compliance", body: renderDashboard(report, filter, deps.clock.now(), await judgedRunPolicies(deps, report, scope)) };
}

/** The policy status of each workflow's judged run (its newest finished run): only succeeded and blocked runs have a statement. */
async function judgedRunPolicies(deps: ServiceDeps, report: ComplianceReport, scope: Scope | undefined): Promise<RunPolicies> {
  const out = new Map<string, PolicyStatus | undefined>();
  for (const w of report.groups.flatMap((g) => g.workflows)) {
    const run = w.judgedRun;
    if (!run || !isAttested(run.state)) continue;
    const detail = await describeRun(deps, { id: run.id, scope });
    out.set(run.id, readPolicyStatus(detail.attestation?.statement));
  }
  return out;
}

async function runPage({ deps, scope }: View, id: string, opts: WebOptions) {
  const detail = await describeRun(deps, { id, scope });
  const keys = opts.verificationKeys ? await opts.verificationKeys(deps) : [];
  // The server's trust, as for verified pushes: its own CA and added roots (not the public-good root).
  const { homeRoots } = await import("../../services/trust-roots.ts");
  const roots = detail.attestation ? homeRoots(deps.config.home, { publicGood: false }) : [];
  let verification: Verification;
  if (!detail.attestation) verification = { kind: "no-attestation" };
  else if (keys.length === 0 && roots.length === 0) verification = { kind: "no-keys" };
  else verification = await verify(deps, id, scope, { keys: keys.map((k) => k.key), roots }, keys);
  const orgId = (await currentOrgId(deps)) ?? "";
  const digests = detail.attestation?.materials.map((m) => m.digest).filter((d) => d.startsWith("sha256:")) ?? [];
  const held = await Promise.all(digests.map(async (d) => await deps.casMappings.holds(orgId, d, scope)));
  const downloadable = new Set(digests.filter((_, i) => held[i]));
  return { title: `Run ${id}`, body: renderRun({ detail, verification, downloadable }, deps.clock.now()) };
}

/** Verified: with the registered name of the key whose id is the signer's (a certificate signer has none). */
async function verify(deps: ServiceDeps, id: string, scope: Scope | undefined, trust: TrustPolicy, keys: VerificationKey[]): Promise<Verification> {
  try {
    const result = (await runAttestation(deps, { id, scope }, trust)).verification!;
    const s = result.signer;
    const keyName = s.kind === "key" ? keys.find((k) => k.keyId === s.keyId)?.name : undefined;
    return { kind: "verified", result, ...(keyName !== undefined && { keyName }) };
  } catch (e) {
    if (!isCairnError(e, "VERIFY_FAILED")) throw e;
    return { kind: "failed", message: e.message };
  }
}

async function discoverPage({ deps, scope }: View, url: URL) {
  const digest = url.searchParams.get("digest")?.trim();
  if (!digest) return { title: "Discover", body: discoverForm() };
  const kind = url.searchParams.get("kind") || undefined;
  const next = url.searchParams.get("next") || undefined;
  try {
    return { title: `Discover ${digest}`, body: renderDiscover(await discover(deps, { digest, kind, next, scope })) };
  } catch (e) {
    const kinds = isCairnError(e, "USAGE") ? (e.details as { kinds?: string[] } | undefined)?.kinds : undefined;
    if (kinds) return { title: "Discover", body: renderKindChoice(digest, kinds) };
    if (isCairnError(e, "NOT_FOUND") || isCairnError(e, "USAGE")) {
      return { title: "Discover", body: html`${discoverForm(digest)}<section class="notice bad" id="discover-error"><p>${e.message}</p><p class="muted">${e.hint ?? ""}</p></section>` };
    }
    throw e;
  }
}

async function contractPage({ deps, scope }: View, url: URL, name: string) {
  const from = parseRevision(url.searchParams.get("from"), "from");
  const to = parseRevision(url.searchParams.get("to"), "to");
  const revision = parseRevision(url.searchParams.get("revision"), "revision");
  if ((from === undefined) !== (to === undefined)) {
    throw new CairnError("USAGE", "a diff needs both from and to", { hint: `e.g. /contracts/${name}?from=1&to=2` });
  }
  const shown = await describeContract(deps, { name, revision: to ?? revision, scope });
  const before = from === undefined ? undefined : await describeContract(deps, { name, revision: from, scope });
  return { title: `Contract ${name}`, body: renderContract({ shown, from: before, ...(before && { changes: semanticChanges(before, shown) }) }, deps.clock.now()) };
}
