import type { Config, RemoteConfig } from "../config.ts";
import type { Reporter } from "../services/deps.ts";
import type { ControlPlane } from "./control-plane.ts";
import { httpArtifacts } from "./http-artifacts.ts";
import { RemoteClient } from "./http-client.ts";
import { httpAudit, httpOrgKeys, httpOrgs, httpTokens, httpWebhooks } from "./http-orgs.ts";
import { httpRuns } from "./http-runs.ts";
import type { HttpDeps } from "./http-util.ts";
import { httpContracts, httpWorkflows } from "./http-workflows.ts";

/** The control plane as a `cairn serve`: every call is one or two routes; nothing local is opened or created. */
export function httpControlPlane(config: Config & { remote: RemoteConfig }, reporter: Reporter, fetchImpl?: typeof fetch): ControlPlane {
  const client = new RemoteClient(config.remote, fetchImpl);
  const deps: HttpDeps = { client, reporter, cwd: config.cwd };
  let whoami: Promise<string> | undefined;
  const organization = () => (whoami ??= client.json<{ organization: string }>("GET", "/api/v1/whoami").then((w) => w.organization));
  return {
    config,
    reporter,
    organization,
    workflows: httpWorkflows(deps),
    contracts: httpContracts(deps),
    runs: httpRuns(deps),
    artifacts: httpArtifacts(deps),
    orgs: httpOrgs(deps, organization),
    tokens: httpTokens(deps),
    keys: httpOrgKeys(deps),
    audit: httpAudit(deps),
    webhooks: httpWebhooks(deps),
    close: () => {},
  };
}
