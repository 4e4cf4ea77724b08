import type { RunState, Workflow } from "./ports.ts";

/** Storage port for managing workflows and contracts (`cairn workflow …`, `cairn workflow contract …`, `cairn apply`). */

/** The newest run of a workflow, as the compliance view shows it. */
export interface LastRun {
  id: string;
  state: RunState;
  createdAt: string;
  contractRevisionUsed: number;
}

/** A live workflow with its contract's latest revision and its run statistics. */
export interface WorkflowRecord extends Workflow {
  contractLatestRevision: number;
  runsCount: number;
  lastRun: LastRun | null;
  createdAt: string;
  updatedAt: string | null;
}

/** Live workflows of an organization, newest first (created_at DESC, id ASC). */
export interface WorkflowQuery {
  orgId: string;
  project?: string;
  team?: string;
  /** Rows to return (callers ask for one more than a page). */
  limit: number;
  /** The sort key of the previous page's last row. */
  after?: { createdAt: string; id: string };
}

/** Fields `workflow update` may change; absent = unchanged, null = cleared. */
export interface WorkflowChanges {
  team?: string | null;
  description?: string | null;
  contractId?: string;
}

/** A live contract with its latest revision and how many live workflows use it. */
export interface ContractRecord {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  latestRevision: number;
  workflowsCount: number;
  createdAt: string;
  /** The later of the last description change and the last revision. */
  updatedAt: string;
}

export interface RevisionInfo {
  revision: number;
  digest: string;
  createdAt: string;
}

export interface WorkflowRepo {
  listWorkflows(q: WorkflowQuery): WorkflowRecord[];
  /** A live workflow by project and name. */
  getWorkflow(orgId: string, project: string, name: string): WorkflowRecord | undefined;
  /** Applies the changes and sets updated_at. */
  updateWorkflow(id: string, changes: WorkflowChanges, now: string): void;
  /** Soft delete: runs, attestations and referrers stay; the name becomes free. */
  deleteWorkflow(id: string, now: string): void;

  /** A live contract by name. */
  getContract(orgId: string, name: string): ContractRecord | undefined;
  /** Live contracts by name, after `afterName`. */
  listContracts(orgId: string, limit: number, afterName?: string): ContractRecord[];
  /** Every revision, oldest first. */
  listRevisions(contractId: string): RevisionInfo[];
  /** Live workflows using the contract, by project then name. */
  workflowsUsing(contractId: string): { project: string; name: string }[];
  setContractDescription(id: string, description: string | null, now: string): void;
  /** Soft delete: revisions stay (old runs point at them); the name becomes free. */
  deleteContract(id: string, now: string): void;
}
