import type { ServiceDeps } from "../services/deps.ts";
import type { CreatedToken } from "../services/control/tokens.ts";
import type { OrgKeysPort, OrgsPort, TokensPort } from "./control-plane.ts";
import { renamingSource, seg, type HttpDeps } from "./http-util.ts";

/** Organizations (/api/v1/orgs), API tokens (/api/v1/tokens) and signing keys (/api/v1/keys). */

export function httpOrgs({ client, reporter }: HttpDeps): OrgsPort {
  const warn = (m: string) => reporter.warn(m);
  return {
    // The route is the admin token's; any other gets the server's 404 saying so.
    create: (i) => client.json("POST", "/api/v1/orgs", { body: { name: i.name } }, warn),
    list: (i) => client.json("GET", "/api/v1/orgs", { query: { limit: i.limit, next: i.next } }, warn),
  };
}

export function httpTokens({ client, reporter }: HttpDeps): TokensPort {
  const warn = (m: string) => reporter.warn(m);
  return {
    create: async (i) => {
      const body = { name: i.name, project: i.project, workflow: i.workflow, expiration: i.expiration, description: i.description };
      // The server adds the token's organization; the CLI prints the token as the service returns it.
      const { organization: _org, ...token } = await client.json<CreatedToken & { organization: string }>("POST", "/api/v1/tokens", { body }, warn);
      return token;
    },
    list: (i) => client.json("GET", "/api/v1/tokens", { query: { status: i.status, limit: i.limit, next: i.next } }, warn),
    revoke: (i) => client.json("DELETE", `/api/v1/tokens/${seg(i.id)}`, {}, warn),
  };
}

export function httpOrgKeys({ client, reporter, cwd }: HttpDeps): OrgKeysPort {
  const warn = (m: string) => reporter.warn(m);
  return {
    add: async ({ name, keyFile }) => {
      const { readKeyFile } = await import("../services/control/org-keys.ts");
      // readKeyFile only resolves the path against the working directory; it touches no store.
      const pem = readKeyFile({ config: { cwd } } as ServiceDeps, keyFile);
      const call = client.json<Awaited<ReturnType<OrgKeysPort["add"]>>>("POST", "/api/v1/keys", { body: { name, publicKey: pem } }, warn);
      return renamingSource(call, (s) => s.replace(/(^|\s)publicKey(?=:)/g, `$1--key ${keyFile}`));
    },
    list: (i) => client.json("GET", "/api/v1/keys", { query: { status: i.status, limit: i.limit, next: i.next } }, warn),
    remove: (i) => client.json("DELETE", `/api/v1/keys/${seg(i.name)}`, {}, warn),
  };
}
