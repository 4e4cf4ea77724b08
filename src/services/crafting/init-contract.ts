import { CairnError } from "../../errors.ts";
import type { Contract } from "../../crafter/contract/types.ts";
import type { ContractRevision, Workflow } from "../../store/ports.ts";
import { contractRef, defaultContractRevision, loadContractFile, registerRevision, revisionContract, type LoadedContract } from "../contracts.ts";
import type { ServiceDeps } from "../deps.ts";

/** What `init --contract NAME|FILE [--contract-revision N]` asks for. */
export interface ContractChoice {
  file?: LoadedContract;
  name?: string;
  /** A pinned revision; otherwise the latest. */
  revision?: number;
}

export function chooseContract(deps: ServiceDeps, contract: string | undefined, revision: number | undefined): ContractChoice {
  if (revision !== undefined && (!Number.isInteger(revision) || revision < 1)) {
    throw new CairnError("USAGE", `--contract-revision ${revision} is not a revision number`, { hint: "revisions are whole numbers from 1; see `cairn workflow contract describe --name NAME`" });
  }
  if (contract === undefined) return { revision };
  const ref = contractRef(contract, deps.config.cwd);
  if ("name" in ref) return { name: ref.name, revision };
  if (revision !== undefined) {
    throw new CairnError("USAGE", "--contract-revision pins a stored revision; it cannot be combined with a contract file", {
      hint: "register the file (`cairn apply -f FILE`) and pin with --contract NAME --contract-revision N, or drop --contract-revision",
    });
  }
  return { file: loadContractFile(contract, deps.config.cwd) };
}

/** The contract the run will use, read-only: for the runner/env checks before anything is written, and dry-runs. */
export function previewContract(deps: ServiceDeps, wf: Workflow | undefined, choice: ContractChoice): { contract: Contract; revision?: ContractRevision } | undefined {
  if (choice.file) return { contract: choice.file.contract };
  const org = deps.repo.findOrg(deps.config.organization);
  const contractId = choice.name ? org && deps.repo.findContractByName(org.id, choice.name)?.id : wf?.contractId;
  if (!contractId) {
    if (choice.name) throw unknownContract(choice.name, deps.config.organization);
    if (choice.revision !== undefined) throw new CairnError("NOT_FOUND", "--contract-revision needs an existing workflow or --contract NAME", { hint: "create the workflow first, or name the contract with --contract" });
    return undefined;
  }
  const revision = pick(deps, contractId, choice.revision, true);
  return { contract: revisionContract(revision), revision };
}

/**
 * The stored revision the run records, inside init's transaction: registers a contract file as a new revision when its
 * content changed, creates the workflow's own empty contract when it has none, and warns when a pinned revision is
 * not the latest.
 */
export function resolveRevision(deps: ServiceDeps, orgId: string, wf: Workflow | undefined, choice: ContractChoice, defaultName: string, now: string): ContractRevision {
  const { repo } = deps;
  if (wf && choice.name && choice.name !== wf.contractName) {
    throw new CairnError("USAGE", `workflow ${wf.project}/${wf.name} uses contract ${wf.contractName}, not ${choice.name}`, {
      hint: `switch it with \`cairn workflow update --name ${wf.name} --project ${wf.project} --contract ${choice.name}\`, or drop --contract`,
    });
  }
  if (choice.file) return registerRevision(repo, orgId, wf?.contractName ?? choice.file.contract.name ?? defaultName, choice.file, now);
  if (choice.name) {
    const c = repo.findContractByName(orgId, choice.name);
    if (!c) throw unknownContract(choice.name, deps.config.organization);
    return pick(deps, c.id, choice.revision);
  }
  if (wf) return pick(deps, wf.contractId, choice.revision);
  return defaultContractRevision(repo, orgId, defaultName, now);
}

function pick(deps: ServiceDeps, contractId: string, pinned: number | undefined, warn = false): ContractRevision {
  const latest = deps.repo.latestRevision(contractId)!;
  if (pinned === undefined) return latest;
  const rev = deps.repo.getRevision(contractId, pinned);
  if (!rev) {
    throw new CairnError("NOT_FOUND", `contract ${latest.contractName} has no revision ${pinned}`, { hint: `the latest revision is ${latest.revision}` });
  }
  if (warn && rev.revision < latest.revision) {
    deps.reporter.warn(`contract ${rev.contractName} revision ${rev.revision} is pinned, but revision ${latest.revision} is the latest`);
  }
  return rev;
}

function unknownContract(name: string, org: string): CairnError {
  return new CairnError("NOT_FOUND", `contract ${name} does not exist in organization ${org}`, {
    hint: "see `cairn workflow contract list`, or pass a contract file with --contract FILE",
  });
}
