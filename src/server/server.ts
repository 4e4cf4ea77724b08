import { CairnError } from "../errors.ts";
import { boundedMessage } from "../bounded.ts";
import { startTextVetter } from "./parse-vet.ts";
import type { ServiceDeps } from "../services/deps.ts";
import { authenticate, bearerToken, scopeOf, scopedDeps, webSession } from "./auth.ts";
import { auditRow, AuditWriter } from "./audit-log.ts";
import { authorize } from "./authorize.ts";
import type { Limits, RequestContext } from "./context.ts";
import { errorResponse } from "./http.ts";
import { splitPath } from "./paths.ts";
import { apiRouter } from "./routes.ts";
import { anonymousOrgId, publicRouter, type PublicContext } from "./public-routes.ts";
import type { TrustServices } from "./trust.ts";
import type { AdmissionConfig } from "../admission/config.ts";
import type { WebHandler } from "./web-seam.ts";

export interface ServerOptions {
  app: ServiceDeps;
  hostname: string;
  /** 0: any free port. */
  port: number;
  limits: Limits;
  /** The web operator view for every non-/api path; without one those paths are 404. */
  web?: WebHandler;
  /** PEM certificate (chain) and key: https instead of http. */
  tls?: { cert: string; key: string };
  /** The CA, TSA and OIDC services of the public routes (`loadTrustServices`); default: none but the public URL. */
  trust?: TrustServices;
  /** The URL clients reach this server at (`--public-url`); default the listen URL. */
  publicUrl?: string;
  /** The admission webhook's configuration (`--admission-config`). */
  admission?: AdmissionConfig;
  /** Called after every successful state-changing API request (not GET, not `safe`): the webhook worker's wake. Must not block. */
  afterWrite?: () => void;
  /** One line per request and every unexpected error; default stderr. */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts the rest. */
  stop(graceMs?: number): Promise<void>;
}

/** Whether `p` settled within `ms`; the timer is cleared either way, so it never holds the process open. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `cairn serve`: Bun.serve with a small router; every request authenticated, scoped, logged, and never a 500 by input. */
export function startServer(opts: ServerOptions): RunningServer {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const router = apiRouter();
  const publicRoutes = publicRouter();
  const auditWriter = new AuditWriter(opts.app);
  const vetter = startTextVetter((m) => log(`ERROR ${m}`));
  const inflight = new Set<Promise<Response>>();

  async function dispatch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const segments = splitPath(url.pathname);
    const pub = publicRoutes.match(req.method, segments);
    if (pub.kind === "found") return pub.route.handler(publicContext(req, url, pub.params));
    if (pub.kind === "method") return methodNotAllowed(req, url, pub.allow);
    if (segments[0] !== "api") return web(req);
    const m = router.match(req.method, segments);
    if (m.kind === "none") throw new CairnError("NOT_FOUND", `no route ${req.method} ${url.pathname.slice(0, 200)}`, { hint: "see docs/api.md for the routes" });
    if (m.kind === "method") return methodNotAllowed(req, url, m.allow);
    const principal = await authenticate(opts.app, bearerToken(req));
    const warnings: string[] = [];
    const deps = scopedDeps(opts.app, principal, { warn: (w) => void warnings.push(w) });
    const c: RequestContext = { req, url, params: m.params, principal, deps, scope: scopeOf(principal), app: opts.app, limits: opts.limits, publicUrl, ...(opts.web && { webUrl: publicUrl }), trust: opts.trust ?? {}, ...(opts.admission && { admission: opts.admission }), audit: {}, vetText: (text, what) => (text === undefined ? Promise.resolve() : vetter.vet(text, what)) };
    let res: Response;
    try {
      await authorize(m.route, c);
      res = await m.route.handler(c);
    } catch (e) {
      await audit(c, m.route, { error: e });
      throw e;
    }
    await audit(c, m.route, { status: res.status });
    // A state-changing API route may have enqueued webhook deliveries (verifications and previews never do).
    if (!m.route.safe && m.route.method !== "GET") opts.afterWrite?.();
    for (const w of warnings) res.headers.append("Cairn-Warning", encodeURIComponent(w.slice(0, 500))); // decoded by src/remote/http-client.ts
    return res;
  }

  function publicContext(req: Request, url: URL, params: Record<string, string>): PublicContext {
    let orgId: Promise<string> | undefined;
    return {
      req,
      url,
      params,
      app: opts.app,
      limits: opts.limits,
      trust: opts.trust ?? {},
      publicUrl,
      audit: (row) => auditWriter.write(row).catch((e) => log(`ERROR audit trail: ${e instanceof Error ? e.message : String(e)}`)),
      anonymousOrgId: () => (orgId ??= anonymousOrgId(opts.app)),
    };
  }

  /** The audit row, committed before the answer leaves; a store too broken to take it is logged, and the answer stands. */
  async function audit(...args: Parameters<typeof auditRow>): Promise<void> {
    const row = auditRow(...args);
    if (!row) return;
    try {
      await auditWriter.write(row);
    } catch (e) {
      log(`ERROR audit trail: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async function web(req: Request): Promise<Response> {
    const res = opts.web ? await opts.web(req, { app: opts.app, session: await webSession(opts.app, req) }) : undefined;
    return res ?? errorResponse(new CairnError("NOT_FOUND", "not found", { hint: "the API is under /api/v1 (docs/api.md)" }));
  }

  async function handle(req: Request): Promise<Response> {
    const started = performance.now();
    let res: Response;
    try {
      res = await dispatch(req);
    } catch (e) {
      if (!(e instanceof CairnError)) log(`ERROR ${req.method} ${logPath(req)}: ${boundedMessage(e instanceof Error ? (e.stack ?? e.message) : String(e))}`);
      res = errorResponse(e);
    }
    log(`${req.method} ${logPath(req)} ${res.status} ${(performance.now() - started).toFixed(1)}ms`);
    return res;
  }

  const server = Bun.serve({
    hostname: opts.hostname,
    port: opts.port,
    // Blob limits are enforced while streaming (per organization); Bun's own cap is only a backstop.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    ...(opts.tls && { tls: opts.tls }),
    fetch(req) {
      const p = handle(req);
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      return p;
    },
    error(e) {
      log(`ERROR ${e.stack ?? e.message}`);
      return errorResponse(e);
    },
  });

  const host = server.hostname!.includes(":") ? `[${server.hostname}]` : server.hostname;
  const url = `${opts.tls ? "https" : "http"}://${host}:${server.port}`;
  const publicUrl = (opts.publicUrl ?? url).replace(/\/+$/, "");
  return {
    url,
    port: server.port!,
    async stop(graceMs = 10_000) {
      if (!(await within(server.stop(false), graceMs))) {
        log(`shutdown: ${inflight.size} request(s) still running after ${graceMs}ms; closing their connections`);
        await server.stop(true);
      }
      // Handlers cut off mid-upload clean up (their tmp file) before the store closes.
      await within(Promise.allSettled([...inflight]), 2000);
      vetter.stop();
    },
  };
}

function methodNotAllowed(req: Request, url: URL, allow: string[]): Response {
  const e = new CairnError("USAGE", `${req.method} is not allowed on ${url.pathname.slice(0, 200)}`, { hint: `use ${allow.join(", ")}` });
  const res = errorResponse(e);
  return new Response(res.body, { status: 405, headers: { ...Object.fromEntries(res.headers), Allow: allow.join(", ") } });
}

/** The path only (a query may carry cursors or names, never logged), bounded and without control characters. */
function logPath(req: Request): string {
  const start = req.url.indexOf("/", req.url.indexOf("//") + 2);
  const path = req.url.slice(start).split("?")[0]!;
  return path.slice(0, 200).replace(/[^\x21-\x7e]/g, "?");
}
