/** Auth for the fake registry: a Bearer challenge with a token realm (scoped tokens), or Basic. */
export interface FakeAuth {
  kind: "bearer" | "basic";
  username: string;
  password: string;
  /** Bearer only: the realm grants pull tokens without credentials. */
  anonymousPull?: boolean;
}

type Issued = { token: string; scopes: string[]; basicUser?: string }[];

function basicUser(req: Request, a: FakeAuth): string | undefined {
  const h = req.headers.get("authorization") ?? "";
  if (!h.startsWith("Basic ")) return undefined;
  const [u, ...p] = Buffer.from(h.slice(6), "base64").toString().split(":");
  return u === a.username && p.join(":") === a.password ? u : undefined;
}

/** The scope a request needs: `repository:<name>:pull` for reads, `pull,push` for writes, "" for /v2/. */
function neededScope(req: Request, url: URL): { name?: string; action: "pull" | "push" } {
  const name = /^\/v2\/(.+?)\/(?:blobs|manifests|tags|referrers)\//.exec(url.pathname)?.[1];
  const action = req.method === "GET" || req.method === "HEAD" ? "pull" : "push";
  return { name, action };
}

function unauthorized(challenge: string): Response {
  return Response.json({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }, {
    status: 401, headers: { "www-authenticate": challenge },
  });
}

export function fakeAuth(a: FakeAuth | undefined, issued: Issued, base: () => string) {
  return {
    tokenEndpoint(req: Request, url: URL): Response {
      if (!a || a.kind !== "bearer") return new Response("no realm", { status: 404 });
      const user = basicUser(req, a);
      if (req.headers.get("authorization") && !user) return new Response("bad credentials", { status: 401 });
      const scopes = url.searchParams.getAll("scope");
      const wantsPush = scopes.some((s) => s.endsWith(":push") || s.includes(",push"));
      if (!user && (!a.anonymousPull || wantsPush)) return new Response("credentials required", { status: 401 });
      const token = `tok-${issued.length + 1}`;
      issued.push({ token, scopes, basicUser: user });
      // Alternate the field name: registries use `token` or `access_token`.
      return Response.json(issued.length % 2 === 0 ? { access_token: token } : { token });
    },
    /** undefined: allowed; else the 401 to answer. */
    check(req: Request, url: URL): Response | undefined {
      if (!a) return undefined;
      if (a.kind === "basic") return basicUser(req, a) ? undefined : unauthorized('Basic realm="fake"');
      const { name, action } = neededScope(req, url);
      const scope = name ? `repository:${name}:${action === "push" ? "pull,push" : "pull"}` : "";
      const challenge = `Bearer realm="${base()}/token",service="fake-registry"${scope ? `,scope="${scope}"` : ""}`;
      const h = req.headers.get("authorization") ?? "";
      const tok = issued.find((t) => `Bearer ${t.token}` === h);
      if (!tok) return unauthorized(challenge);
      if (!name) return undefined;
      const ok = tok.scopes.some((s) => {
        const [, n, actions = ""] = s.split(":");
        return n === name && (action === "pull" || actions.split(",").includes("push"));
      });
      return ok ? undefined : unauthorized(challenge);
    },
  };
}
