// The run behind an attestation, judged against the policy: the cheap checks, done before any signature work.
import { parseContractText } from "../contracts.ts";
import { missingFrom } from "../../crafter/state/transitions.ts";
import type { ContractMaterial } from "../../crafter/contract/types.ts";
import type { VerificationPolicySpec } from "../../slsa/verification-policy.ts";
import type { RunView } from "../../store/run-port.ts";
import type { ServiceDeps } from "../deps.ts";
import type { SignedFacts } from "./statement.ts";
import { BoundedMap } from "../bounded-map.ts";

/**
 * The store's contract facts of one verification, read once: many attestations of one artifact share a workflow and
 * a contract revision, so its latest revision and required materials are looked up (and parsed) once each.
 */
export class ContractFacts {
  private readonly contracts = new Map<string, string | undefined>();
  private readonly latest = new Map<string, number | undefined>();
  private readonly required = new Map<string, ContractMaterial[] | undefined>();
  constructor(private readonly deps: ServiceDeps) {}

  /** The contract of the run's (live) workflow; undefined when the workflow was deleted (or replaced by a namesake). */
  async contractId(run: RunView): Promise<string | undefined> {
    if (!this.contracts.has(run.workflowId)) {
      const wf = await this.deps.repo.findWorkflow(run.orgId, run.project, run.workflow);
      this.contracts.set(run.workflowId, wf && wf.id === run.workflowId ? wf.contractId : undefined);
    }
    return this.contracts.get(run.workflowId);
  }

  async latestRevision(contractId: string): Promise<number | undefined> {
    if (!this.latest.has(contractId)) this.latest.set(contractId, (await this.deps.repo.latestRevision(contractId))?.revision);
    return this.latest.get(contractId);
  }

  /** The materials of a stored revision; undefined when it is not stored. */
  async materials(contractId: string, revision: number): Promise<ContractMaterial[] | undefined> {
    const key = `${contractId}@${revision}`;
    if (!this.required.has(key)) {
      const rev = await this.deps.repo.getRevision(contractId, revision);
      this.required.set(key, rev && parsedMaterials(rev.digest, () => parseContractText(rev.body, `contract ${rev.contractName} revision ${rev.revision}`).contract.materials));
    }
    return this.required.get(key);
  }
}

/** Parsed revisions by their content digest (a revision never changes): a server parses each one once. */
const parsed = new BoundedMap<string, ContractMaterial[]>(256);
function parsedMaterials(digest: string, parse: () => ContractMaterial[]): ContractMaterial[] {
  return parsed.getOrMake(digest, parse);
}

/** Why the run does not satisfy the policy (state, workflow, project, contract revision, age); [] when it does. */
export async function runReasons(deps: ServiceDeps, run: RunView, policy: VerificationPolicySpec, facts: ContractFacts): Promise<string[]> {
  const reasons: string[] = [];
  if (run.state === "blocked") reasons.push("run blocked by policy gate");
  else if (run.state !== "succeeded") reasons.push(`run ${run.state}${run.reason ? ` (${run.reason})` : ""}`);
  if (policy.workflow !== undefined && run.workflow !== policy.workflow) reasons.push(`workflow is ${run.workflow}, not ${policy.workflow}`);
  if (policy.project !== undefined && run.project !== policy.project) reasons.push(`project is ${run.project}, not ${policy.project}`);
  if (!policy.allowBehind) {
    const contractId = await facts.contractId(run);
    const latest = contractId === undefined ? undefined : await facts.latestRevision(contractId);
    if (latest === undefined) reasons.push("the run's workflow or contract is no longer in the store");
    else if (run.contractRevisionUsed < latest) reasons.push(`contract revision ${run.contractRevisionUsed} is behind the latest ${latest} (--allow-behind accepts it)`);
  }
  if (policy.maxAgeMs !== undefined) {
    const finished = run.finishedAt ? Date.parse(run.finishedAt) : NaN;
    if (Number.isNaN(finished)) reasons.push("run has no finish time (--max-age)");
    else if (deps.clock.now().getTime() - finished > policy.maxAgeMs) reasons.push(`run finished ${run.finishedAt}, older than --max-age`);
  }
  return reasons;
}

/** The signed statement against the run row: they must name the same run, workflow, project and organization. */
export function signedRunReasons(facts: SignedFacts, run: RunView, organization: string): string[] {
  const reasons: string[] = [];
  const differs = (what: string, signed: string | undefined, stored: string) => {
    if (signed !== stored) reasons.push(`signed ${what} ${signed ?? "(none)"} is not the run's ${stored}`);
  };
  differs("run id", facts.runId, run.id);
  differs("workflow", facts.workflow, run.workflow);
  differs("project", facts.project, run.project);
  differs("organization", facts.organization, organization);
  return reasons;
}

/** The materials the run's contract revision required must be in the signed statement. */
export async function requiredMaterialReasons(run: RunView, facts: SignedFacts, contracts: ContractFacts): Promise<string[]> {
  const contractId = await contracts.contractId(run);
  if (contractId === undefined) return ["the run's workflow or contract is not in the store"];
  const materials = await contracts.materials(contractId, run.contractRevisionUsed);
  if (!materials) return [`contract revision ${run.contractRevisionUsed} is not in the store`];
  if (facts.contractRevision !== undefined && facts.contractRevision !== run.contractRevisionUsed) {
    return [`signed contract revision ${facts.contractRevision} is not the run's ${run.contractRevisionUsed}`];
  }
  const missing = missingFrom(materials, (n) => facts.materialNames.has(n));
  return [...missing.materials.map((m) => `required material ${m} is not in the statement`), ...missing.groups.map((g) => `no material of group ${g} in the statement`)];
}

/** `--source-ref`: the signed git ref must be the one asked for. */
export function sourceRefReasons(facts: SignedFacts, want: string | undefined): string[] {
  if (want === undefined) return [];
  if (facts.gitRef === undefined) return ["the attestation records no git ref (GITHUB_REF, CI_COMMIT_REF_NAME or the provenance's workflow.ref)"];
  return facts.gitRef === want ? [] : [`source ref is ${facts.gitRef}, not ${want}`];
}
