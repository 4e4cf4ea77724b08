import type { PolicyVerdict } from "../crafter/policy/status.ts";
import type { RunState, Scope, WorkflowRun } from "./ports.ts";

/** A run with the names a person needs to read it: workflow, project and the workflow's contract. */
export interface RunView extends WorkflowRun {
  workflow: string;
  project: string;
  contractName: string;
}

/** Filters and keyset position for listing runs, newest first (created_at DESC, id ASC). */
export interface RunQuery {
  orgId: string;
  workflow?: string;
  project?: string;
  state?: RunState;
  /** Only attested runs with this stored policy verdict. */
  policyStatus?: PolicyVerdict;
  /** An API token's scope (`cairn serve`): only runs of its project's workflows / of its workflow. */
  scope?: Scope;
  /** Rows to return (callers ask for one more than a page to know whether another follows). */
  limit: number;
  /** The sort key of the last row of the previous page. */
  after?: { createdAt: string; id: string };
}

/** A blob uploaded on its own (`artifact upload`): the row that keeps it from gc and names it for download. */
export interface UploadRecord {
  orgId: string;
  digest: string;
  name: string | null;
  size: number;
  createdAt: string;
}

/** Workflow runs as the control plane shows them, their expiry, and standalone uploads. */
export interface RunRepo {
  /** Marks every initialized run created before `cutoff` as expired, in one statement; returns how many. */
  expireStale(cutoff: string, now: string, reason: string): Promise<number>;
  /** Whether expireStale(cutoff) would expire a run: a read, so readers need not take the write lock to find nothing. */
  hasStale(cutoff: string): Promise<boolean>;
  list(q: RunQuery): Promise<RunView[]>;
  get(orgId: string, id: string, scope?: Scope): Promise<RunView | undefined>;
  /** The runs whose attestation has one of these digests (at most one run per digest), within the scope if given. */
  byAttestation(orgId: string, digests: readonly string[], scope?: Scope): Promise<RunView[]>;
  /** Idempotent: the first upload of a digest keeps its name and time. */
  recordUpload(u: UploadRecord): Promise<void>;
  findUpload(orgId: string, digest: string): Promise<UploadRecord | undefined>;
}
