import { CairnError } from "../../errors.ts";
import type { OrgRecord } from "../../store/org-port.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkLimit, decodeCursor, DEFAULT_LIMIT, toPage, type Page } from "../pagination.ts";

/** An organization as `org list` and the server show it. */
export interface OrgView {
  name: string;
  createdAt: string;
  /** The organization commands work in (CAIRN_ORG, else `org set`, else "default"). */
  current: boolean;
}

export interface OrgSetResult {
  name: string;
  previous: string;
  /** CAIRN_ORG is set, so it still wins over the stored choice in this environment. */
  overriddenBy?: string;
}

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Organization and token names: DNS-1123 labels (lowercase letters, digits, '-', at most 63), as Chainloop. */
export function checkName(name: string, flag: string): string {
  if (name.length > 63 || !DNS_1123_LABEL.test(name)) {
    throw new CairnError("USAGE", `${flag} ${JSON.stringify(name)} is not a valid name`, {
      hint: "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    });
  }
  return name;
}

const view = (deps: ServiceDeps, o: OrgRecord): OrgView => ({ name: o.name, createdAt: o.createdAt, current: o.name === deps.config.organization });

/** `org create`: a new, empty organization. It does not become the current one (`org set` does that). */
export async function createOrg(deps: ServiceDeps, input: { name: string }): Promise<OrgView> {
  const name = checkName(input.name, "--name");
  return await deps.repo.transaction(async () => {
    if (await deps.orgs.getOrg(name)) {
      throw new CairnError("ALREADY_EXISTS", `organization ${name} already exists`, { hint: "pick another name, or switch to it with `cairn org set`" });
    }
    return view(deps, await deps.orgs.insertOrg(name, deps.clock.now().toISOString()));
  });
}

/** `org list`: by name, keyset-paginated. The default organization is created on first use, as every command does. */
export async function listOrgs(deps: ServiceDeps, input: { limit?: number; next?: string }): Promise<Page<OrgView>> {
  const limit = checkLimit(input.limit ?? DEFAULT_LIMIT);
  const after = input.next === undefined ? undefined : nameCursor(input.next);
  if (deps.config.organization === "default") await deps.repo.ensureOrg("default", deps.clock.now().toISOString());
  const rows = await deps.orgs.listOrgs(limit + 1, after);
  return toPage(rows.map((o) => view(deps, o)), limit, (o) => [o.name]);
}

/** `org set`: stores the organization later commands use (unless CAIRN_ORG overrides it). It must exist. */
export async function setCurrentOrg(deps: ServiceDeps, input: { name: string }): Promise<OrgSetResult> {
  const name = checkName(input.name, "--name");
  if (name === "default") await deps.repo.ensureOrg(name, deps.clock.now().toISOString());
  else if (!await deps.orgs.getOrg(name)) {
    throw new CairnError("NOT_FOUND", `organization ${name} does not exist`, { hint: `create it with \`cairn org create --name ${name}\`` });
  }
  const previous = await deps.orgs.currentOrg() ?? "default";
  await deps.orgs.setCurrentOrg(name);
  const env = deps.config.env.CAIRN_ORG;
  return { name, previous, ...(env && env !== name ? { overriddenBy: env } : {}) };
}

/**
 * `org update --max-blob SIZE|default`: the organization's CAS blob size limit for `cairn serve` (uploads over it are
 * 413); null goes back to the server's --max-blob. Changed where the store lives: it is the operator's setting.
 */
export async function setMaxBlobBytes(deps: ServiceDeps, input: { name?: string; maxBlobBytes: number | null }): Promise<{ name: string; maxBlobBytes: number | null }> {
  return setBlobLimit(deps, await orgNamed(deps, input.name), input.maxBlobBytes);
}

async function setBlobLimit(deps: ServiceDeps, org: { id: string; name: string }, bytes: number | null): Promise<{ name: string; maxBlobBytes: number | null }> {
  if (bytes !== null && (!Number.isSafeInteger(bytes) || bytes < 1)) {
    throw new CairnError("USAGE", "--max-blob must be a positive size", { hint: "e.g. --max-blob 100MiB, or --max-blob default" });
  }
  await deps.orgs.setMaxBlobBytes(org.id, bytes);
  return { name: org.name, maxBlobBytes: await deps.orgs.maxBlobBytes(org.id) };
}

export interface OrgSettings {
  name: string;
  /** Whether an attestor's `att init` may create a missing workflow (Chainloop: not prevent_implicit_workflow_creation). */
  implicitWorkflows: boolean;
  /** Only when changed (`org update --max-blob`, local): the blob limit, null for the server's --max-blob. */
  maxBlobBytes?: number | null;
}

/**
 * An organization's settings (`org update`, `PATCH /api/v1/orgs/{name}`): `name` or the current one; absent fields stay
 * as they are.
 */
export async function updateOrgSettings(deps: ServiceDeps, input: { name?: string; implicitWorkflows?: boolean; maxBlobBytes?: number | null }): Promise<OrgSettings> {
  const name = checkName(input.name ?? deps.config.organization, "--name");
  if (input.implicitWorkflows === undefined && input.maxBlobBytes === undefined) {
    throw new CairnError("USAGE", "nothing to update: pass --implicit-workflows on|off and/or --max-blob SIZE", { hint: "e.g. `cairn org update --implicit-workflows off`" });
  }
  const org = await orgNamed(deps, name);
  const blob = input.maxBlobBytes === undefined ? undefined : await setBlobLimit(deps, org, input.maxBlobBytes);
  if (input.implicitWorkflows !== undefined) await deps.orgs.setImplicitWorkflows(org.id, input.implicitWorkflows);
  return { name: org.name, implicitWorkflows: await deps.orgs.implicitWorkflows(org.id), ...(blob && { maxBlobBytes: blob.maxBlobBytes }) };
}

/** The organization `name` (default: the current one) for a settings change; `default` is made on first use, as every command does. */
async function orgNamed(deps: ServiceDeps, name = deps.config.organization): Promise<{ id: string; name: string }> {
  const checked = checkName(name, "--name");
  const org = checked === "default" ? await deps.repo.ensureOrg(checked, deps.clock.now().toISOString()) : await deps.orgs.getOrg(checked);
  if (!org) throw new CairnError("NOT_FOUND", `organization ${checked} does not exist`, { hint: "see `cairn org list`" });
  return org;
}

function nameCursor(next: string): string {
  const [name, ...rest] = decodeCursor(next);
  if (typeof name !== "string" || rest.length > 0) {
    throw new CairnError("USAGE", `--next ${JSON.stringify(next)} is not a cursor from \`org list\``, { hint: "pass the value printed by the previous page" });
  }
  return name;
}
