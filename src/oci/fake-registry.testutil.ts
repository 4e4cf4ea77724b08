/**
 * Test support: an in-process OCI registry (Bun.serve on 127.0.0.1:0, in memory) with what the Debian registry
 * lacks — the native referrers API — plus switches for Bearer (token realm) or Basic auth and injected 5xx/429.
 * Upload Locations carry a `?_state=` query (as distribution's do) so clients must append `&digest=`.
 */
import { fakeAuth, type FakeAuth } from "./fake-registry-auth.testutil.ts";
import { FakeStore } from "./fake-registry-store.testutil.ts";

export interface FakeRegistryOptions {
  /** Native referrers API (default true); false answers 404 like distribution 2.8. */
  referrers?: boolean;
  auth?: FakeAuth;
}

export interface LoggedRequest {
  method: string;
  path: string;
  authorization?: string;
  contentRange?: string;
  ifMatch?: string;
}

export interface FakeRegistry {
  host: string;
  url: string;
  store: FakeStore;
  requests: LoggedRequest[];
  /** Tokens issued by the realm, with the scopes asked for. */
  tokens: { token: string; scopes: string[]; basicUser?: string }[];
  /** The next `n` registry requests answer `status` (default 503), with Retry-After when given. */
  failNext(n: number, status?: number, retryAfterSeconds?: number): void;
  setReferrers(on: boolean): void;
  /** Blob GETs answer 307 to this base URL + the same path (another origin, to check auth is dropped). */
  redirectBlobsTo(base: string | undefined): void;
  stop(): Promise<void>;
}

export async function startFakeRegistry(opts: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const store = new FakeStore();
  const requests: LoggedRequest[] = [];
  const tokens: FakeRegistry["tokens"] = [];
  let referrersOn = opts.referrers ?? true;
  let faults: { left: number; status: number; retryAfter?: number } = { left: 0, status: 503 };
  let redirectBase: string | undefined;
  let base = "";
  const auth = fakeAuth(opts.auth, tokens, () => base);

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === "/token") return auth.tokenEndpoint(req, url);
      requests.push({
        method: req.method, path: url.pathname + url.search,
        authorization: req.headers.get("authorization") ?? undefined, contentRange: req.headers.get("content-range") ?? undefined,
        ifMatch: req.headers.get("if-match") ?? undefined,
      });
      if (faults.left > 0) {
        faults.left--;
        const headers: Record<string, string> = faults.retryAfter !== undefined ? { "retry-after": String(faults.retryAfter) } : {};
        return Response.json({ errors: [{ code: "UNAVAILABLE", message: "injected fault" }] }, { status: faults.status, headers });
      }
      const denied = auth.check(req, url);
      if (denied) return denied;
      if (redirectBase && req.method === "GET" && /\/blobs\/sha256:/.test(url.pathname)) {
        return new Response(null, { status: 307, headers: { location: redirectBase + url.pathname } });
      }
      return store.handle(req, url, { referrers: referrersOn });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  return {
    host: `127.0.0.1:${server.port}`,
    url: base,
    store,
    requests,
    tokens,
    failNext(n, status = 503, retryAfterSeconds) {
      faults = { left: n, status, retryAfter: retryAfterSeconds };
    },
    setReferrers(on) {
      referrersOn = on;
    },
    redirectBlobsTo(b) {
      redirectBase = b;
    },
    async stop() {
      await server.stop(true);
    },
  };
}
