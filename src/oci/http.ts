/**
 * One registry's HTTP: auth (via auth.ts), retries with exponential backoff on 5xx/429/connection errors (honouring
 * Retry-After), and redirects followed by hand so credentials never go to another origin. Bodies are whole byte
 * arrays, so a retry always resends exactly the same bytes (chunked uploads keep the current chunk only).
 */
import { CairnError } from "../errors.ts";
import { answerChallenge, knownAuth, parseChallenge, type AuthState } from "./auth.ts";
import { connectionError, responseError, type ErrorContext } from "./registry-errors.ts";
import type { RegistryOptions } from "./types.ts";

export interface HttpRequest {
  method: string;
  /** `/v2/...` or an absolute URL (upload Locations). */
  url: string;
  repository?: string;
  /** For messages: "manifest latest", "blob sha256:…". */
  what: string;
  /** Token scopes; the first one is the cache key. Default: pull on `repository`. */
  scopes?: string[];
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Statuses returned to the caller; any other becomes a CairnError. */
  ok: number[];
}

export type Sleep = (ms: number) => Promise<void>;

export function scopeFor(repository: string | undefined, actions: "pull" | "pull,push"): string {
  return repository ? `repository:${repository}:${actions}` : "";
}

/** Delay before retry `attempt` (0-based): Retry-After seconds when given, else backoffMs·2^attempt. */
export function retryDelay(attempt: number, backoffMs: number, retryAfter: string | null): number {
  const secs = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : undefined;
  return secs !== undefined ? Math.min(secs * 1000, 60_000) : backoffMs * 2 ** attempt;
}

export class RegistryHttp {
  readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly auth: AuthState = { tokens: new Map() };

  constructor(readonly opts: RegistryOptions, private readonly sleep: Sleep = (ms) => Bun.sleep(ms)) {
    this.base = `${opts.insecureHttp ? "http" : "https"}://${opts.registry}`;
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  resolve(url: string): string {
    return new URL(url, this.base).toString();
  }

  private ctx(req: HttpRequest): ErrorContext {
    return {
      registry: this.opts.registry, repository: req.repository, method: req.method, what: req.what,
      hasCredentials: this.opts.credentials !== undefined, insecureHttp: this.opts.insecureHttp === true,
    };
  }

  async send(req: HttpRequest): Promise<Response> {
    const retries = this.opts.retries ?? 4;
    const backoff = this.opts.backoffMs ?? 200;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.authorized(req);
      } catch (e) {
        if (isCairn(e)) throw e;
        if (attempt >= retries) throw connectionError(this.ctx(req), e);
        await this.sleep(backoff * 2 ** attempt);
        continue;
      }
      const transient = res.status === 429 || res.status >= 500;
      if (transient && attempt < retries && !req.ok.includes(res.status)) {
        await res.body?.cancel();
        await this.sleep(retryDelay(attempt, backoff, res.headers.get("retry-after")));
        continue;
      }
      if (req.ok.includes(res.status)) return res;
      throw await responseError(this.ctx(req), res);
    }
  }

  /** Sends with what we know about auth; on 401 answers the challenge and retries once. */
  private async authorized(req: HttpRequest): Promise<Response> {
    const scopes = req.scopes ?? [scopeFor(req.repository, "pull")];
    const key = scopes[0] ?? "";
    const res = await this.follow(req, knownAuth(this.auth, key));
    if (res.status !== 401) return res;
    const ch = parseChallenge(res.headers.get("www-authenticate"));
    if (!ch) return res;
    const header = await answerChallenge(ch, key, scopes, {
      registry: this.opts.registry, credentials: this.opts.credentials, fetch: this.fetch, state: this.auth,
    });
    if (!header) return res;
    await res.body?.cancel();
    return this.follow(req, header);
  }

  /** fetch with manual redirects: Authorization is dropped when the target is on another origin. */
  private async follow(req: HttpRequest, authorization: string | undefined): Promise<Response> {
    let url = new URL(this.resolve(req.url));
    const origin = url.origin;
    let method = req.method;
    for (let hop = 0; hop < 6; hop++) {
      const headers: Record<string, string> = { ...req.headers };
      if (authorization && url.origin === origin) headers.authorization = authorization;
      const body = method === "GET" || method === "HEAD" ? undefined : req.body;
      const res = await this.fetch(url, { method, headers, body, redirect: "manual" });
      const location = res.headers.get("location");
      if (![301, 302, 303, 307, 308].includes(res.status) || !location || req.ok.includes(res.status)) return res;
      await res.body?.cancel();
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method !== "HEAD")) method = "GET";
      url = new URL(location, url);
    }
    throw new CairnError("NETWORK", `registry ${this.opts.registry}: ${req.method} ${req.what} redirected more than 5 times`, {
      hint: "the registry (or a proxy in front of it) redirects in a loop; ask its operator",
    });
  }
}

function isCairn(e: unknown): boolean {
  return e instanceof CairnError;
}

