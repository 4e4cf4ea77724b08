import { join } from "node:path";
import { CairnError, isCairnError } from "../../errors.ts";
import { createOciClient } from "../../oci/client.ts";
import { parseImageRef } from "../../oci/reference.ts";
import type { OciClient, RegistryOptions } from "../../oci/types.ts";
import type { CasBackendRecord, S3Settings } from "../../store/cas-backend-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { registryOf, registryOptionsFor, repositoryOf } from "../oci-registries.ts";
import { checkName } from "./orgs.ts";
import { checkWriteAccess } from "./cas-backend-check.ts";

/** A backend as `cas-backend list` shows it; `local` is the built-in disk CAS. */
export interface CasBackendView {
  name: string;
  provider: "local" | "oci" | "s3";
  location: string;
  default: boolean;
  username: string | null;
  passwordEnv: string | null;
  insecureHttp: boolean;
  createdAt: string | null;
  /** S3 backends: endpoint, region, URL style and the names of the credential variables (never their values). */
  s3?: S3Settings;
}

export interface AddCasBackendInput {
  name: string;
  /** HOST[:PORT]/NAMESPACE */
  repo: string;
  username?: string;
  passwordEnv?: string;
  insecureHttp?: boolean;
  default?: boolean;
  /** Register without contacting the registry (offline set-up). */
  skipCheck?: boolean;
}

/** Tests inject a client; cairn makes one from the registry options. */
export type ClientFactory = (opts: RegistryOptions) => OciClient;

export const LOCAL = "local";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `cas-backend add oci`: validates everything, then (unless --skip-check) checks that the registry answers and takes
 * a push with these credentials, so a typo fails now and not at the first CI run. Only then is the row stored.
 */
export async function addCasBackend(deps: ServiceDeps, input: AddCasBackendInput, clientFactory: ClientFactory = createOciClient): Promise<CasBackendView> {
  const name = checkBackendName(input.name);
  if (await deps.casBackends.findByName(name)) {
    throw new CairnError("ALREADY_EXISTS", `CAS backend ${name} already exists`, { hint: `pick another --name, or \`cairn cas-backend remove ${name}\` first` });
  }
  const location = parseRepo(input.repo);
  const record: CasBackendRecord = {
    id: crypto.randomUUID(),
    name,
    provider: "oci",
    location,
    ...credentials(deps, input),
    insecureHttp: input.insecureHttp === true,
    isDefault: input.default === true,
    createdAt: deps.clock.now().toISOString(),
  };
  if (!input.skipCheck) await check(deps, record, clientFactory);
  await deps.casBackends.insert(record);
  return view(record);
}

/** `cas-backend list`: the built-in local CAS first, then the backends by name. */
export async function listCasBackends(deps: ServiceDeps): Promise<CasBackendView[]> {
  const backends = await deps.casBackends.list();
  const local: CasBackendView = {
    name: LOCAL,
    provider: "local",
    location: join(deps.config.home, "cas"),
    default: !backends.some((b) => b.isDefault),
    username: null,
    passwordEnv: null,
    insecureHttp: false,
    createdAt: null,
  };
  return [local, ...backends.map(view)];
}

/** `cas-backend set-default NAME|local`: where new evidence is written. Blobs already stored stay readable. */
export async function setDefaultCasBackend(deps: ServiceDeps, input: { name: string }): Promise<{ name: string; previous: string }> {
  const previous = (await deps.casBackends.findDefault())?.name ?? LOCAL;
  if (input.name === LOCAL) {
    await deps.casBackends.setDefault(undefined);
    return { name: LOCAL, previous };
  }
  await deps.casBackends.setDefault((await existing(deps, input.name)).name);
  return { name: input.name, previous };
}

/**
 * `cas-backend remove NAME`: forgets the backend; nothing is deleted from the registry. Removing the default makes
 * the local CAS the default again. Both are warned about, since evidence there becomes unreadable to cairn.
 */
export async function removeCasBackend(deps: ServiceDeps, input: { name: string }): Promise<{ name: string; wasDefault: boolean }> {
  if (input.name === LOCAL) {
    throw new CairnError("USAGE", "the built-in local CAS cannot be removed", { hint: "remove an OCI or S3 backend by its name (`cairn cas-backend list`)" });
  }
  const b = await existing(deps, input.name);
  await deps.casBackends.remove(b.name);
  if (b.isDefault) deps.reporter.warn(`${b.name} was the default CAS backend: new evidence is written to the local CAS again`);
  if (!(await deps.casBackends.list()).some((o) => o.location === b.location)) {
    const again = b.s3 ? `add s3 --name ${b.name} --bucket ${b.s3.bucket}${b.s3.prefix ? ` --prefix ${b.s3.prefix}` : ""} …` : `add oci --name ${b.name} --repo ${b.location} …`;
    deps.reporter.warn(`blobs already pushed to ${b.location} stay in that ${b.s3 ? "bucket" : "registry"} but cairn cannot read them until a backend names it again (\`cairn cas-backend ${again}\`)`);
  }
  return { name: b.name, wasDefault: b.isDefault };
}

export function checkBackendName(name: string): string {
  checkName(name, "--name");
  if (name === LOCAL) throw new CairnError("USAGE", `--name ${LOCAL} is reserved for the built-in disk CAS`, { hint: "pick another name, e.g. harbor" });
  return name;
}

const looksLikeHost = (h: string) => h.includes(".") || h.includes(":") || h === "localhost";

/** --repo HOST[:PORT]/NAMESPACE[/…]: a registry host first, and a repository without tag or digest. */
export function parseRepo(repo: string): string {
  const usage = (why: string) =>
    new CairnError("USAGE", `--repo ${JSON.stringify(repo)} ${why}`, { hint: "write the registry host and a repository, e.g. --repo registry.internal:5000/team/evidence" });
  const slash = repo.indexOf("/");
  const host = slash > 0 ? repo.slice(0, slash) : "";
  if (slash < 0 && looksLikeHost(repo)) throw usage("names a registry but no repository in it (HOST[:PORT]/NAMESPACE)");
  if (!looksLikeHost(host)) throw usage("does not start with a registry host (HOST[:PORT]/…)");
  if (repo.includes("@") || repo.slice(repo.lastIndexOf("/")).includes(":")) throw usage("names a tag or digest; give only the repository");
  let ref;
  try {
    ref = parseImageRef(repo);
  } catch (e) {
    throw usage(`is not a repository: ${(e as Error).message}`);
  }
  return `${ref.registry.toLowerCase()}/${ref.repository}`; // hosts are case-insensitive; one spelling compares
}

function credentials(deps: ServiceDeps, input: AddCasBackendInput): { username: string | null; passwordEnv: string | null } {
  const { username, passwordEnv } = input;
  if (username === undefined && passwordEnv === undefined) return { username: null, passwordEnv: null }; // docker config.json at use time
  if (username === undefined || username === "") throw new CairnError("USAGE", "--password-env needs --username", { hint: "pass both, or neither to use docker config.json credentials" });
  if (passwordEnv === undefined) {
    throw new CairnError("USAGE", "--username needs --password-env VAR, the variable holding the password (it is never stored)", { hint: `e.g. --password-env REGISTRY_PASSWORD` });
  }
  if (!ENV_NAME.test(passwordEnv)) throw new CairnError("USAGE", `--password-env ${JSON.stringify(passwordEnv)} is not a variable name`, { hint: "name the variable, not its value: --password-env REGISTRY_PASSWORD" });
  if (!deps.config.env[passwordEnv]) {
    throw new CairnError("ENV_MISSING", `--password-env ${passwordEnv}: the variable is not set`, { hint: `export ${passwordEnv} with the registry password, then run the command again` });
  }
  return { username, passwordEnv };
}

/** The settings the new backend will get, as if it were already stored (its credentials win on its host). */
async function check(deps: ServiceDeps, record: CasBackendRecord, clientFactory: ClientFactory): Promise<void> {
  const candidate = { ...record, isDefault: true };
  const others = (await deps.casBackends.list()).map((b) => ({ ...b, isDefault: false }));
  const opts = await registryOptionsFor({ config: deps.config, casBackends: { list: async () => [candidate, ...others] } }, registryOf(record.location));
  try {
    await checkWriteAccess(clientFactory(opts), repositoryOf(record.location));
  } catch (e) {
    if (!isCairnError(e)) throw e;
    throw new CairnError(e.code, `--repo ${record.location}: ${e.message}`, {
      hint: `${e.hint ? `${e.hint}; ` : ""}fix the flags, or add --skip-check to register the backend without contacting the registry`,
      details: e.details,
      cause: e,
    });
  }
}

async function existing(deps: ServiceDeps, name: string): Promise<CasBackendRecord> {
  const b = await deps.casBackends.findByName(name);
  if (!b) throw new CairnError("NOT_FOUND", `CAS backend ${name} does not exist`, { hint: "`cairn cas-backend list` shows the backends" });
  return b;
}

/** The view of a stored backend (`add`, `list`). */

export const view = (b: CasBackendRecord): CasBackendView => ({
  name: b.name,
  provider: b.provider,
  location: b.location,
  default: b.isDefault,
  username: b.username,
  passwordEnv: b.passwordEnv,
  insecureHttp: b.insecureHttp,
  createdAt: b.createdAt,
  ...(b.s3 && { s3: b.s3 }),
});
