import { CairnError } from "../../errors.ts";
import type { Scope } from "../../store/ports.ts";
import type { ContractRecord, RevisionInfo } from "../../store/workflow-port.ts";
import { addRevision, emptyContract, loadContractFile, parseContractText, registerRevision, type LoadedContract } from "../contracts.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkLimit, decodeCursor, DEFAULT_LIMIT, toPage, type Page } from "../pagination.ts";
import { checkName } from "./orgs.ts";
import { actorLabel } from "./roles.ts";
import { currentOrgId } from "./runs.ts";

/** A contract as `workflow contract list` shows it: the stored record without its ids. */
export type ContractSummary = Omit<ContractRecord, "id" | "orgId">;

/** One revision of a contract, with its raw body, the revision history and the workflows using the contract. */
export interface ContractDetail {
  name: string;
  description: string | null;
  revision: number;
  latestRevision: number;
  format: "yaml" | "json";
  digest: string;
  /** When this revision was made, and by whom (`token:<name>`, `local`; null before roles). */
  createdAt: string;
  createdBy: string | null;
  body: string;
  revisions: RevisionInfo[];
  workflows: { project: string; name: string }[];
}

/** What `contract update` did: `changed` is false when the normalized content equals the latest revision's. */
export interface ContractUpdateResult {
  name: string;
  revision: number;
  changed: boolean;
  description: string | null;
}

export const summary = (c: ContractRecord): ContractSummary => ({
  name: c.name,
  description: c.description,
  latestRevision: c.latestRevision,
  workflowsCount: c.workflowsCount,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

/** What create/update take: a file (the CLI) or the contract text itself (`cairn serve`'s `text` field). */
export interface ContractInput {
  name: string;
  file?: string;
  text?: string;
  description?: string;
}

/** The contract's content from `file` or `text` (at most one), and how messages name its source. */
function loadInput(deps: ServiceDeps, input: ContractInput): { loaded: LoadedContract; source: string } | undefined {
  if (input.file !== undefined && input.text !== undefined) {
    throw new CairnError("USAGE", "pass the contract as a file or as text, not both", { hint: "drop -f or the text field" });
  }
  if (input.text !== undefined) return { loaded: parseContractText(input.text, "text"), source: "text" };
  if (input.file !== undefined) return { loaded: loadContractFile(input.file, deps.config.cwd, "-f"), source: input.file };
  return undefined;
}

/** A file whose metadata.name differs from --name would register one contract under two names: refused. */
function checkFileName(loaded: LoadedContract, name: string, file: string): void {
  const inFile = loaded.contract.name;
  if (inFile !== undefined && inFile !== name) {
    throw new CairnError("USAGE", `--name ${name} differs from metadata.name ${inFile} in ${file}`, {
      hint: `use --name ${inFile}, or change metadata.name in the file to ${name}`,
    });
  }
}

function notFound(name: string, deps: ServiceDeps): CairnError {
  return new CairnError("NOT_FOUND", `contract ${name} does not exist in organization ${deps.config.organization}`, {
    hint: "see `cairn workflow contract list`, or create it with `cairn workflow contract create --name NAME [-f FILE]`",
  });
}

/** A live contract of the current organization (visible in the scope, if given), or NOT_FOUND. */
export async function findContract(deps: ServiceDeps, name: string, scope?: Scope): Promise<ContractRecord> {
  const orgId = await currentOrgId(deps);
  const c = orgId && await deps.workflows.getContract(orgId, name, scope);
  if (!c) throw notFound(name, deps);
  return c;
}

/** `workflow contract create`: revision 1 from the file, or an empty contract. */
export async function createContract(deps: ServiceDeps, input: ContractInput): Promise<ContractSummary> {
  const name = checkName(input.name, "--name");
  const given = loadInput(deps, input);
  if (given) checkFileName(given.loaded, name, given.source);
  const loaded = given?.loaded ?? emptyContract(name);
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const org = await deps.repo.ensureOrg(deps.config.organization, now);
    if (await deps.repo.findContractByName(org.id, name)) {
      throw new CairnError("ALREADY_EXISTS", `contract ${name} already exists in organization ${org.name}`, {
        hint: `add a revision with \`cairn workflow contract update --name ${name} -f FILE\`, or pick another name`,
      });
    }
    const c = await deps.repo.createContract(org.id, name, input.description ?? loaded.contract.description ?? null, now);
    await addRevision(deps, org.id, c.id, loaded, now, actorLabel(deps.actor));
    return summary((await deps.workflows.getContract(org.id, name))!);
  });
}

/** `workflow contract update`: a new revision only when the normalized content changed; the description when given. */
export async function updateContract(deps: ServiceDeps, input: ContractInput): Promise<ContractUpdateResult> {
  const name = checkName(input.name, "--name");
  if (input.file === undefined && input.text === undefined && input.description === undefined) {
    throw new CairnError("USAGE", "nothing to update: pass -f FILE (a new revision) and/or --description", {
      hint: `e.g. \`cairn workflow contract update --name ${name} -f contract.yaml\``,
    });
  }
  const given = loadInput(deps, input);
  if (given) checkFileName(given.loaded, name, given.source);
  const loaded = given?.loaded;
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const c = await findContract(deps, name);
    const rev = loaded ? await registerRevision(deps, c.orgId, name, loaded, now, actorLabel(deps.actor)) : undefined;
    const changed = rev !== undefined && rev.revision !== c.latestRevision;
    // A new revision brings its metadata.description along, unless --description says otherwise.
    const description = input.description ?? (changed ? loaded!.contract.description : undefined);
    if (description !== undefined && description !== c.description) await deps.workflows.setContractDescription(c.id, description || null, now);
    return { name, revision: rev?.revision ?? c.latestRevision, changed, description: (await deps.workflows.getContract(c.orgId, name))!.description };
  });
}

/** `workflow contract describe [--revision N]`: the revision (default the latest) with its raw body. */
export async function describeContract(deps: ServiceDeps, input: { name: string; revision?: number; scope?: Scope }): Promise<ContractDetail> {
  const c = await findContract(deps, checkName(input.name, "--name"), input.scope);
  const wanted = input.revision ?? c.latestRevision;
  if (!Number.isInteger(wanted) || wanted < 1) {
    throw new CairnError("USAGE", "--revision must be a whole number from 1", { hint: `contract ${c.name} has revisions 1 to ${c.latestRevision}` });
  }
  const rev = await deps.repo.getRevision(c.id, wanted);
  if (!rev) {
    throw new CairnError("NOT_FOUND", `contract ${c.name} has no revision ${wanted}`, {
      hint: `the latest revision is ${c.latestRevision}; run \`cairn workflow contract describe --name ${c.name}\``,
    });
  }
  return {
    name: c.name,
    description: c.description,
    revision: rev.revision,
    latestRevision: c.latestRevision,
    format: rev.bodyFormat,
    digest: rev.digest,
    createdAt: rev.createdAt,
    createdBy: rev.createdBy,
    body: rev.body,
    revisions: await deps.workflows.listRevisions(c.id),
    workflows: await deps.workflows.workflowsUsing(c.id, input.scope),
  };
}

/** `workflow contract list`: live contracts by name, keyset-paginated. */
export async function listContracts(deps: ServiceDeps, input: { limit?: number; next?: string; scope?: Scope }): Promise<Page<ContractSummary>> {
  const limit = checkLimit(input.limit ?? DEFAULT_LIMIT);
  const after = input.next === undefined ? undefined : nameCursor(input.next);
  const orgId = await currentOrgId(deps);
  if (!orgId) return { items: [] };
  return toPage((await deps.workflows.listContracts(orgId, limit + 1, after, input.scope)).map(summary), limit, (c) => [c.name]);
}

/** `workflow contract delete`: soft delete, refused while a live workflow uses the contract. Revisions stay. */
export async function deleteContract(deps: ServiceDeps, input: { name: string }): Promise<{ name: string; deletedAt: string }> {
  const name = checkName(input.name, "--name");
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const c = await findContract(deps, name);
    const users = (await deps.workflows.workflowsUsing(c.id)).map((w) => `${w.project}/${w.name}`);
    if (users.length > 0) {
      throw new CairnError("IN_USE", `contract ${name} is used by ${users.length} workflow${users.length > 1 ? "s" : ""}: ${users.join(", ")}`, {
        hint: "point them at another contract (`cairn workflow update --contract NAME`) or delete them first",
        details: { workflows: users },
      });
    }
    await deps.workflows.deleteContract(c.id, now);
    return { name, deletedAt: now };
  });
}

function nameCursor(next: string): string {
  const [name, ...rest] = decodeCursor(next);
  if (typeof name !== "string" || rest.length > 0) {
    throw new CairnError("USAGE", `--next ${JSON.stringify(next)} is not a cursor from \`workflow contract list\``, { hint: "pass the value printed by the previous page" });
  }
  return name;
}
