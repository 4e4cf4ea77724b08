import type { RunState, Scope, Workflow } from "./ports.ts";

/** Storage port for managing workflows and contracts (`cairn workflow …`, `cairn workflow contract …`, `cairn apply`). */

/** The newest run of a workflow, as the compliance view shows it. */
export interface LastRun {
  id: string;
  state: RunState;
  createdAt: string;
  contractRevisionUsed: number;
}

/** A finished run as the compliance view judges it. */
export interface JudgedRun extends LastRun {
  finishedAt: string | null;
  /** Why it ended so (e.g. "blocked: 2 gated policy violations"). */
  reason: string | null;
  attestationDigest: string | null;
}

/** Per workflow, what the compliance view needs beyond the workflow row: its newest finished run. */
export interface ComplianceRuns {
  workflowId: string;
  /** The newest run that is not initialized (an in-progress run is judged by the one before it). */
  judged: JudgedRun | null;
}

/** A live workflow with its contract's latest revision and its run statistics. */
export interface WorkflowRecord extends Workflow {
  /** `token:<name>` or `local`; null for workflows older than roles. */
  createdBy: string | null;
  /** Created by an attestor's `att init` (not by a maintainer). */
  implicit: boolean;
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
  /** An API token's scope (`cairn serve`): only its project's / its workflow. */
  scope?: Scope;
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
  /** `token:<name>` or `local`; null for revisions older than roles. */
  createdBy: string | null;
}

export interface WorkflowRepo {
  listWorkflows(q: WorkflowQuery): Promise<WorkflowRecord[]>;
  /** The compliance facts of these workflows, in one query (a page of workflows at a time). */
  complianceRuns(workflowIds: readonly string[]): Promise<ComplianceRuns[]>;
  /** A live workflow by project and name. */
  getWorkflow(orgId: string, project: string, name: string): Promise<WorkflowRecord | undefined>;
  /** Applies the changes and sets updated_at. */
  updateWorkflow(id: string, changes: WorkflowChanges, now: string): Promise<void>;
  /** Soft delete: runs, attestations and referrers stay; the name becomes free. */
  deleteWorkflow(id: string, now: string): Promise<void>;

  /** A live contract by name; with a scope, only one a live workflow of the scope uses (and only those counted). */
  getContract(orgId: string, name: string, scope?: Scope): Promise<ContractRecord | undefined>;
  /** Live contracts by name, after `afterName` (with a scope: as getContract). */
  listContracts(orgId: string, limit: number, afterName?: string, scope?: Scope): Promise<ContractRecord[]>;
  /** Every revision, oldest first. */
  listRevisions(contractId: string): Promise<RevisionInfo[]>;
  /** Live workflows using the contract (with a scope: of the scope), by project then name. */
  workflowsUsing(contractId: string, scope?: Scope): Promise<{ project: string; name: string }[]>;
  setContractDescription(id: string, description: string | null, now: string): Promise<void>;
  /** Soft delete: revisions stay (old runs point at them); the name becomes free. */
  deleteContract(id: string, now: string): Promise<void>;
}
