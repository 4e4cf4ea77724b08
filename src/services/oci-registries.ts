import type { Config } from "../config.ts";
import { CairnError } from "../errors.ts";
import { dockerCredentials } from "../oci/docker-config.ts";
import type { Credentials, RegistryOptions } from "../oci/types.ts";
import type { CasBackendRecord, CasBackendRepo } from "../store/cas-backend-port.ts";

/** What registryOptionsFor reads: the configured backends and the environment (CAIRN_INSECURE_REGISTRIES, passwords). */
export type RegistryDeps = { config: Pick<Config, "env">; casBackends: Pick<CasBackendRepo, "list"> };

/**
 * The settings for one registry host (host[:port]), for every part of cairn that talks to registries (evidence
 * backends, CONTAINER_IMAGE resolution, referrers): a CAS backend on that host gives the plain-http flag and its
 * username + password variable; else docker config.json credentials (anonymous when none). Plain http also when
 * the host is listed in CAIRN_INSECURE_REGISTRIES (comma-separated), never otherwise.
 * Throws ENV_MISSING when a backend on the host names a password variable that is not set.
 */
export async function registryOptionsFor(deps: RegistryDeps, registryHost: string): Promise<RegistryOptions> {
  const host = registryHost.toLowerCase();
  const backends = (await deps.casBackends.list()).filter((b) => registryOf(b.location) === host);
  const insecureHttp = backends.some((b) => b.insecureHttp) || insecureRegistries(deps.config.env).has(host);
  const credentials = backendCredentials(deps.config.env, backends) ?? dockerCredentials(deps.config.env, registryHost);
  return { registry: registryHost, ...(insecureHttp && { insecureHttp }), ...(credentials && { credentials }) };
}

/** The registry host of a backend location `HOST[:PORT]/NAMESPACE`, lower-cased (hosts are case-insensitive). */
export function registryOf(location: string): string {
  return location.slice(0, location.indexOf("/")).toLowerCase();
}

/** The repository part of a backend location (what follows the host). */
export function repositoryOf(location: string): string {
  return location.slice(location.indexOf("/") + 1);
}

export function insecureRegistries(env: Config["env"]): Set<string> {
  const list = env.CAIRN_INSECURE_REGISTRIES ?? "";
  return new Set(list.split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== ""));
}

/** The default backend's credentials win when several backends share a host; then the first (by name) that has any. */
function backendCredentials(env: Config["env"], backends: CasBackendRecord[]): Credentials | undefined {
  const withUser = backends.filter((b) => b.username !== null).sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  const b = withUser[0];
  if (!b) return undefined;
  return { username: b.username!, password: passwordFrom(env, b) };
}

function passwordFrom(env: Config["env"], b: CasBackendRecord): string {
  const value = b.passwordEnv ? env[b.passwordEnv] : undefined;
  if (value === undefined || value === "") {
    throw new CairnError("ENV_MISSING", `CAS backend ${b.name} (${b.location}) reads its password from $${b.passwordEnv ?? "?"}, which is not set`, {
      hint: `export ${b.passwordEnv ?? "the variable"} with the password of ${b.username} before running cairn, or re-add the backend with another --password-env`,
      details: { backend: b.name, variable: b.passwordEnv },
    });
  }
  return value;
}
