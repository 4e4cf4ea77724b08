import { CairnError } from "../../errors.ts";
import type { Scope } from "../../store/ports.ts";
import type { LastRun, WorkflowChanges, WorkflowRecord } from "../../store/workflow-port.ts";
import { contractRef, defaultContractRevision, loadContractFile, parseContractText, registerRevision } from "../contracts.ts";
import type { ServiceDeps } from "../deps.ts";
import { checkLimit, decodeCursor, DEFAULT_LIMIT, toPage, type Page } from "../pagination.ts";
import { expireOverdueRuns } from "./expiry.ts";
import { checkName } from "./orgs.ts";
import { actorLabel } from "./roles.ts";
import { currentOrgId } from "./runs.ts";

/** A workflow as `workflow list` shows it, and the compliance view of `cairn serve` will. */
export interface WorkflowView {
  name: string;
  project: string;
  team: string | null;
  description: string | null;
  contractName: string;
  contractLatestRevision: number;
  runsCount: number;
  lastRun: LastRun | null;
  /** Created by an attestor's `att init`, not by a maintainer (the dashboard marks it). */
  implicit: boolean;
}

export interface WorkflowDetail extends WorkflowView {
  id: string;
  createdAt: string;
  updatedAt: string | null;
  /** `token:<name>` or `local`; null for workflows older than roles. */
  createdBy: string | null;
}

export interface WorkflowCreateInput {
  name: string;
  project: string;
  team?: string;
  description?: string;
  /** A stored contract's name, or a contract file. */
  contract?: string;
  skipIfExists?: boolean;
  /** `cairn serve`: `contract` is a stored contract's name only (never a server-side file), visible in the scope. */
  remote?: RemoteInput;
}

/** What `cairn serve` adds to an input: the token's scope, and a `--contract FILE` sent as its text. */
export interface RemoteInput {
  scope?: Scope;
  contractText?: string;
}

export interface WorkflowUpdateInput {
  name: string;
  project: string;
  /** "" clears. */
  team?: string;
  /** "" clears. */
  description?: string;
  contract?: string;
  /** As in WorkflowCreateInput. */
  remote?: RemoteInput;
}

/** A stored workflow as lists show it (also the base of the compliance view). */
export const workflowView = (w: WorkflowRecord): WorkflowView => ({
  name: w.name,
  project: w.project,
  team: w.team,
  description: w.description,
  contractName: w.contractName,
  contractLatestRevision: w.contractLatestRevision,
  runsCount: w.runsCount,
  lastRun: w.lastRun,
  implicit: w.implicit,
});

const detail = (w: WorkflowRecord): WorkflowDetail => ({ id: w.id, ...workflowView(w), createdAt: w.createdAt, updatedAt: w.updatedAt, createdBy: w.createdBy });

/**
 * The contract `--contract NAME|FILE` names: a file is registered (a new revision when its content changed) under its
 * metadata.name, or `defaultName` without one; a name must be a stored contract. Without --contract, the contract
 * `defaultName`: reused as it is when it exists, else created empty.
 */
export async function contractIdFor(
  deps: ServiceDeps,
  orgId: string,
  value: string | undefined,
  defaultName: string,
  now: string,
  remote?: RemoteInput,
): Promise<string> {
  const { repo } = deps;
  const by = actorLabel(deps.actor);
  if (remote?.contractText !== undefined) return registerText(deps, orgId, remote.contractText, defaultName, now, remote.scope);
  if (value === undefined) {
    return (await defaultContractRevision(deps, orgId, defaultName, now, by)).contractId;
  }
  if (remote) return remoteContractId(deps, orgId, value, remote.scope);
  const ref = contractRef(value, deps.config.cwd);
  if ("file" in ref) {
    const loaded = loadContractFile(ref.file, deps.config.cwd, "--contract");
    return (await registerRevision(deps, orgId, loaded.contract.name ?? defaultName, loaded, now, by)).contractId;
  }
  const c = await repo.findContractByName(orgId, ref.name);
  if (!c) {
    throw new CairnError("NOT_FOUND", `--contract ${ref.name}: no contract of that name in organization ${deps.config.organization}`, {
      hint: "see `cairn workflow contract list`, or pass a contract file",
    });
  }
  return c.id;
}

/**
 * Over HTTP a `--contract FILE` arrives as its text and is registered as locally (a revision only when the content
 * changed). Contracts are shared by the organization, so only an organization-level token may register one.
 */
async function registerText(deps: ServiceDeps, orgId: string, text: string, defaultName: string, now: string, scope: Scope | undefined): Promise<string> {
  if (scope?.projectId !== undefined || scope?.workflowId !== undefined) {
    throw new CairnError("NOT_FOUND", "registering a contract file needs an organization-level API token (this one is scoped to a project or workflow)", {
      hint: "register the file with an organization token (`cairn apply -f FILE`), then pass --contract NAME",
    });
  }
  const loaded = parseContractText(text, "contractText");
  return (await registerRevision(deps, orgId, loaded.contract.name ?? defaultName, loaded, now, actorLabel(deps.actor))).contractId;
}

/** Over HTTP a contract is named, never read from the server's disk; a scoped token sees only its contracts. */
async function remoteContractId(deps: ServiceDeps, orgId: string, name: string, scope: Scope | undefined): Promise<string> {
  const c = await deps.workflows.getContract(orgId, checkName(name, "contract"), scope);
  if (!c) {
    throw new CairnError("NOT_FOUND", `contract ${name} does not exist in organization ${deps.config.organization}`, {
      hint: "name a stored contract (GET /api/v1/contracts), or create it first (POST /api/v1/contracts)",
    });
  }
  return c.id;
}

/** A scoped token creates workflows only in its own project, and a workflow token none but its own (NOT_FOUND). */
async function checkCreateScope(deps: ServiceDeps, orgId: string, project: string, existing: WorkflowRecord | undefined, scope: Scope | undefined): Promise<void> {
  if (!scope) return;
  // Checked first, so the answer does not depend on which projects exist.
  if (scope.workflowId !== undefined && existing?.id !== scope.workflowId) {
    throw new CairnError("NOT_FOUND", "this token is scoped to one workflow and cannot create others", { hint: "use an organization or project token" });
  }
  const p = await deps.orgs.findProject(orgId, project);
  if (!p || p.id !== scope.projectId) {
    throw new CairnError("NOT_FOUND", `project ${project} does not exist in organization ${deps.config.organization}`, {
      hint: "this token is scoped to one project: create workflows there",
    });
  }
}

/** `workflow create`: a workflow in a project (created on demand) of the current organization. */
export async function createWorkflow(deps: ServiceDeps, input: WorkflowCreateInput): Promise<WorkflowDetail & { created: boolean }> {
  const name = checkName(input.name, "--name");
  const project = checkName(input.project, "--project");
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const org = await deps.repo.ensureOrg(deps.config.organization, now);
    const existing = await deps.workflows.getWorkflow(org.id, project, name);
    await checkCreateScope(deps, org.id, project, existing, input.remote?.scope);
    if (existing && input.skipIfExists) {
      if (input.contract !== undefined || input.remote?.contractText !== undefined || input.team !== undefined || input.description !== undefined) {
        deps.reporter.warn(`workflow ${project}/${name} already exists; --contract, --team and --description were not applied (use \`workflow update\`)`);
      }
      return { ...detail(existing), created: false };
    }
    if (existing) {
      throw new CairnError("ALREADY_EXISTS", `workflow ${name} already exists in project ${project}`, {
        hint: "pass --skip-if-exists to accept the existing one, or change it with `cairn workflow update`",
      });
    }
    const projectId = (await deps.repo.ensureProject(org.id, project, now)).id;
    const contractId = await contractIdFor(deps, org.id, input.contract, `${project}-${name}`, now, input.remote);
    const wf = { orgId: org.id, projectId, name, team: input.team || null, description: input.description || null, contractId, createdBy: actorLabel(deps.actor) };
    await deps.repo.createWorkflow(wf, now);
    return { ...detail((await deps.workflows.getWorkflow(org.id, project, name))!), created: true };
  });
}

/** `workflow list`: live workflows, newest first, keyset-paginated on (createdAt DESC, id). */
export async function listWorkflows(
  deps: ServiceDeps,
  input: { project?: string; team?: string; limit?: number; next?: string; scope?: Scope },
): Promise<Page<WorkflowView>> {
  const limit = checkLimit(input.limit ?? DEFAULT_LIMIT);
  const after = input.next === undefined ? undefined : workflowCursor(input.next);
  await expireOverdueRuns(deps); // so a last run's state is current
  const orgId = await currentOrgId(deps);
  if (!orgId) return { items: [] };
  const rows = await deps.workflows.listWorkflows({ orgId, project: input.project, team: input.team, scope: input.scope, limit: limit + 1, after });
  const page = toPage(rows, limit, (w) => [w.createdAt, w.id]);
  return { ...page, items: page.items.map(workflowView) };
}

/** A live workflow of the current organization (and of the scope, if given), or NOT_FOUND: the same error either way. */
export async function findWorkflow(deps: ServiceDeps, name: string, project: string, scope?: Scope): Promise<WorkflowRecord> {
  const orgId = await currentOrgId(deps);
  const wf = orgId && await deps.workflows.getWorkflow(orgId, project, name);
  if (!wf || !inScope(wf, scope)) {
    throw new CairnError("NOT_FOUND", `workflow ${name} does not exist in project ${project} (organization ${deps.config.organization})`, {
      hint: "see `cairn workflow list`",
    });
  }
  return wf;
}

/** Whether a workflow lies inside an API token's project/workflow scope (no scope: the whole organization). */
export function inScope(wf: { id: string; projectId: string }, scope: Scope | undefined): boolean {
  if (scope?.projectId !== undefined && wf.projectId !== scope.projectId) return false;
  return scope?.workflowId === undefined || wf.id === scope.workflowId;
}

/** `workflow describe`. */
export async function describeWorkflow(deps: ServiceDeps, input: { name: string; project: string; scope?: Scope }): Promise<WorkflowDetail> {
  await expireOverdueRuns(deps);
  return detail(await findWorkflow(deps, input.name, input.project, input.scope));
}

/** `workflow update`: team, description and/or contract (re-points the workflow; later runs use it). */
export async function updateWorkflow(deps: ServiceDeps, input: WorkflowUpdateInput): Promise<WorkflowDetail> {
  const contractGiven = input.contract !== undefined || input.remote?.contractText !== undefined;
  if (input.team === undefined && input.description === undefined && !contractGiven) {
    throw new CairnError("USAGE", "nothing to update: pass --team, --description and/or --contract", {
      hint: `e.g. \`cairn workflow update --name ${input.name} --project ${input.project} --contract NAME\``,
    });
  }
  const now = deps.clock.now().toISOString();
  return await deps.repo.transaction(async () => {
    const wf = await findWorkflow(deps, input.name, input.project, input.remote?.scope);
    const changes: WorkflowChanges = {};
    if (input.team !== undefined) changes.team = input.team || null;
    if (input.description !== undefined) changes.description = input.description || null;
    if (contractGiven) changes.contractId = await contractIdFor(deps, wf.orgId, input.contract, `${wf.project}-${wf.name}`, now, input.remote);
    await deps.workflows.updateWorkflow(wf.id, changes, now);
    return detail((await deps.workflows.getWorkflow(wf.orgId, wf.project, wf.name))!);
  });
}

/** `workflow delete`: soft delete; runs, attestations and referrers stay, and the name can be used again. */
export async function deleteWorkflow(deps: ServiceDeps, input: { name: string; project: string; scope?: Scope }): Promise<{ name: string; project: string; deletedAt: string }> {
  const now = deps.clock.now().toISOString();
  const { id, ...shown } = await deps.repo.transaction(async () => {
    const wf = await findWorkflow(deps, input.name, input.project, input.scope);
    await deps.workflows.deleteWorkflow(wf.id, now);
    return { id: wf.id, name: wf.name, project: wf.project, deletedAt: now };
  });
  deps.tokenCache?.workflowDeleted(id); // its scoped tokens stop here at once; other replicas hear the store's notice
  return shown;
}

function workflowCursor(next: string): { createdAt: string; id: string } {
  const key = decodeCursor(next);
  const [createdAt, id] = key;
  if (key.length !== 2 || typeof createdAt !== "string" || typeof id !== "string") {
    throw new CairnError("USAGE", `--next ${JSON.stringify(next)} is not a cursor from \`workflow list\``, { hint: "pass the value printed as `next` by the previous page" });
  }
  return { createdAt, id };
}
