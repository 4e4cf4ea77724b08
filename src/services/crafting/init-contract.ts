import { CairnError } from "../../errors.ts";
import type { Contract } from "../../crafter/contract/types.ts";
import type { ContractRevision, Workflow } from "../../store/ports.ts";
import {
  classifyContractRef,
  contractRef,
  defaultContractRevision,
  loadContractFile,
  parseContractText,
  registerRevision,
  revisionContract,
  type LoadedContract,
} from "../contracts.ts";
import type { ServiceDeps } from "../deps.ts";
import { actorLabel } from "../control/roles.ts";
import { checkContractChange } from "./init-authority.ts";

/** What `init --contract NAME|FILE [--contract-revision N]` asks for. */
export interface ContractChoice {
  file?: LoadedContract;
  name?: string;
  /** A pinned revision; otherwise the latest. */
  revision?: number;
}

/** On the CI machine: `--contract` is a file there (read now) or a stored contract's name. */
export function chooseContract(deps: Pick<ServiceDeps, "config">, contract: string | undefined, revision: number | undefined): ContractChoice {
  checkRevision(revision);
  if (contract === undefined) return { revision };
  const ref = contractRef(contract, deps.config.cwd);
  if ("name" in ref) return { name: ref.name, revision };
  noRevisionWithFile(revision);
  return { file: loadContractFile(contract, deps.config.cwd) };
}

/** On `cairn serve`: a contract file arrives as its text, never as a path on the server; a name is only a name. */
export function remoteChoice(req: { contractName?: string; contractText?: string; contractRevision?: number }): ContractChoice {
  checkRevision(req.contractRevision);
  if (req.contractText !== undefined) {
    if (req.contractName !== undefined) throw new CairnError("USAGE", "send contractName or contractText, not both", { hint: "contractText is the content of a contract file" });
    noRevisionWithFile(req.contractRevision);
    return { file: parseContractText(req.contractText, "contractText") };
  }
  if (req.contractName === undefined) return { revision: req.contractRevision };
  const ref = classifyContractRef(req.contractName, () => false);
  if (!("name" in ref)) throw new CairnError("USAGE", `contractName ${JSON.stringify(req.contractName.slice(0, 80))} is not a contract name`, { hint: "send a file's content as contractText" });
  return { name: ref.name, revision: req.contractRevision };
}

function checkRevision(revision: number | undefined): void {
  if (revision !== undefined && (!Number.isInteger(revision) || revision < 1)) {
    throw new CairnError("USAGE", `--contract-revision ${revision} is not a revision number`, { hint: "revisions are whole numbers from 1; see `cairn workflow contract describe --name NAME`" });
  }
}

function noRevisionWithFile(revision: number | undefined): void {
  if (revision !== undefined) {
    throw new CairnError("USAGE", "--contract-revision pins a stored revision; it cannot be combined with a contract file", {
      hint: "register the file (`cairn apply -f FILE`) and pin with --contract NAME --contract-revision N, or drop --contract-revision",
    });
  }
}

/** The contract the run will use, read-only: for the runner/env checks before anything is written, and dry-runs. */
export async function previewContract(deps: ServiceDeps, wf: Workflow | undefined, choice: ContractChoice): Promise<{ contract: Contract; revision?: ContractRevision } | undefined> {
  if (choice.file) return { contract: choice.file.contract };
  const org = await deps.repo.findOrg(deps.config.organization);
  const contractId = choice.name ? org && (await deps.repo.findContractByName(org.id, choice.name))?.id : wf?.contractId;
  if (!contractId) {
    if (choice.name) throw unknownContract(choice.name, deps.config.organization);
    if (choice.revision !== undefined) throw new CairnError("NOT_FOUND", "--contract-revision needs an existing workflow or --contract NAME", { hint: "create the workflow first, or name the contract with --contract" });
    return undefined;
  }
  const revision = await pick(deps, contractId, choice.revision, true);
  return { contract: revisionContract(revision), revision };
}

/**
 * The stored revision the run records, inside init's transaction: registers a contract file as a new revision when its
 * content changed, creates the workflow's own empty contract when it has none, and warns when a pinned revision is
 * not the latest.
 */
export async function resolveRevision(deps: ServiceDeps, orgId: string, wf: Workflow | undefined, choice: ContractChoice, defaultName: string, now: string): Promise<ContractRevision> {
  const { repo } = deps;
  if (wf && choice.name && choice.name !== wf.contractName) {
    throw new CairnError("USAGE", `workflow ${wf.project}/${wf.name} uses contract ${wf.contractName}, not ${choice.name}`, {
      hint: `switch it with \`cairn workflow update --name ${wf.name} --project ${wf.project} --contract ${choice.name}\`, or drop --contract`,
    });
  }
  const by = actorLabel(deps.actor);
  if (choice.file) {
    await checkContractChange(deps, orgId, wf, choice, defaultName); // again inside the transaction: the contract may have changed
    return registerRevision(deps, orgId, wf?.contractName ?? choice.file.contract.name ?? defaultName, choice.file, now, by);
  }
  if (choice.name) {
    const c = await repo.findContractByName(orgId, choice.name);
    if (!c) throw unknownContract(choice.name, deps.config.organization);
    return await pick(deps, c.id, choice.revision);
  }
  if (wf) return pick(deps, wf.contractId, choice.revision);
  return defaultContractRevision(deps, orgId, defaultName, now, by);
}

async function pick(deps: ServiceDeps, contractId: string, pinned: number | undefined, warn = false): Promise<ContractRevision> {
  const latest = (await deps.repo.latestRevision(contractId))!;
  if (pinned === undefined) return latest;
  const rev = await deps.repo.getRevision(contractId, pinned);
  if (!rev) {
    throw new CairnError("NOT_FOUND", `contract ${latest.contractName} has no revision ${pinned}`, { hint: `the latest revision is ${latest.revision}` });
  }
  if (warn && rev.revision < latest.revision) {
    deps.reporter.warn(`contract ${rev.contractName} revision ${rev.revision} is pinned, but revision ${latest.revision} is the latest`);
  }
  return rev;
}

export function unknownContract(name: string, org: string): CairnError {
  return new CairnError("NOT_FOUND", `contract ${name} does not exist in organization ${org}`, {
    hint: "see `cairn workflow contract list`, or pass a contract file with --contract FILE",
  });
}
