import type { ServiceDeps } from "../services/deps.ts";
import type { CreatedToken } from "../services/control/tokens.ts";
import type { AuditPort, OrgKeysPort, OrgsPort, TokensPort, WebhooksPort } from "./control-plane.ts";
import { renamingSource, seg, type HttpDeps } from "./http-util.ts";

/** Organizations (/api/v1/orgs), API tokens (/api/v1/tokens), signing keys (/api/v1/keys) and webhooks (/api/v1/webhooks). */

export function httpOrgs({ client, reporter }: HttpDeps, organization: () => Promise<string>): OrgsPort {
  const warn = (m: string) => reporter.warn(m);
  return {
    // A token changes only its own organization: another name is the server's not-found.
    update: async (i) => client.json("PATCH", `/api/v1/orgs/${seg(i.name ?? (await organization()))}`, { body: { implicitWorkflows: i.implicitWorkflows } }, warn),
    // The route is the instance admin token's; any other gets the server's 403 (404 for a scoped token) saying so.
    create: (i) => client.json("POST", "/api/v1/orgs", { body: { name: i.name } }, warn),
    list: (i) => client.json("GET", "/api/v1/orgs", { query: { limit: i.limit, next: i.next } }, warn),
  };
}

export function httpTokens({ client, reporter }: HttpDeps): TokensPort {
  const warn = (m: string) => reporter.warn(m);
  return {
    create: async (i) => {
      const body = { name: i.name, project: i.project, workflow: i.workflow, expiration: i.expiration, description: i.description, role: i.role };
      // The server adds the token's organization; the CLI prints the token as the service returns it.
      const { organization: _org, ...token } = await client.json<CreatedToken & { organization: string }>("POST", "/api/v1/tokens", { body }, warn);
      return token;
    },
    list: (i) => client.json("GET", "/api/v1/tokens", { query: { status: i.status, limit: i.limit, next: i.next } }, warn),
    revoke: (i) => client.json("DELETE", `/api/v1/tokens/${seg(i.id)}`, {}, warn),
  };
}

export function httpAudit({ client, reporter }: HttpDeps): AuditPort {
  return { list: (i) => client.json("GET", "/api/v1/audit", { query: { ...i } }, (m) => reporter.warn(m)) };
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

export function httpWebhooks({ client, reporter }: HttpDeps): WebhooksPort {
  const warn = (m: string) => reporter.warn(m);
  return {
    add: (i) => client.json("POST", "/api/v1/webhooks", { body: { name: i.name, url: i.url, events: i.events, secretEnv: i.secretEnv } }, warn),
    list: () => client.json("GET", "/api/v1/webhooks", {}, warn),
    remove: (i) => client.json("DELETE", `/api/v1/webhooks/${seg(i.name)}`, {}, warn),
    deliveries: (i) => client.json("GET", `/api/v1/webhooks/${seg(i.name)}/deliveries`, { query: { limit: i.limit, next: i.next } }, warn),
  };
}
