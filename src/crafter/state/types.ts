import type { ContractChanges } from "../contract/diff.ts";
import type { Contract, RunnerType } from "../contract/types.ts";

/** Bumped when the state file layout changes incompatibly; older cairns refuse newer files. */
export const STATE_VERSION = 1;

export interface GitHead {
  hash: string;
  authorName: string;
  authorEmail: string;
  message: string;
  /** RFC 3339 committer date. */
  date: string;
  /** Remote URLs with any credentials stripped. */
  remotes: { name: string; url: string }[];
}

export interface RecordedMaterial {
  name: string;
  kind: string;
  /** sha256:<hex> of the file, image manifest or STRING value. */
  digest: string;
  /** STRING: the value. Files: the base name. Images: the image name. */
  value: string;
  /** Files: size in bytes. */
  size?: number;
  /** Stored in the local CAS (false for STRING, images and skipUpload materials). */
  uploaded: boolean;
  output: boolean;
  required: boolean;
  /** True when the contract declares it; false for contract-free additions. */
  fromContract: boolean;
  addedAt: string;
  /** cairn.material.* annotations from validation, then contract and user annotations. */
  annotations: Record<string, string>;
  warnings: string[];
}

/** The project version a run belongs to (`init --version`, `--release`). */
export interface ProjectVersionInfo {
  version: string;
  /** As stored when the run started: true until some push released the version. */
  prerelease: boolean;
  /** `init --release`: the push marks the version released. */
  markAsReleased: boolean;
  id?: string;
}

export interface WorkflowInfo {
  name: string;
  project: string;
  team?: string;
  organization: string;
  workflowId?: string;
  runId?: string;
  contractName: string;
  contractRevision: number;
  contractRevisionLatest: number;
  /** sha256 of the stored body of the revision used (contractBodyDigest); absent in dry-run and in older states. */
  contractDigest?: string;
  projectVersion?: ProjectVersionInfo;
}

export interface RunnerInfo {
  type: RunnerType;
  url?: string;
}

/**
 * One policy verdict recorded in the crafting state and rendered in the predicate: a material policy (at `add`,
 * `material` set) or an attestation policy (at `push`). `gate` is the attachment's (default false).
 */
export interface PolicyEvaluation {
  policy: string;
  /** sha256:<hex> of the policy source. */
  digest: string;
  material?: string;
  inputs: Record<string, string>;
  violations: { rule: string; message: string }[];
  skipped?: string;
  gate: boolean;
}

/**
 * The contract revision this run uses differs from the one the workflow's last finished run used: what changed and
 * who made the revision in force. Shown by init and status until a run on the new revision finishes.
 */
export interface ContractNotice {
  contractName: string;
  fromRevision: number;
  toRevision: number;
  /** Of the revision in force: `token:<name>` or `local`; null for revisions older than roles. */
  createdBy: string | null;
  createdAt: string;
  changes: ContractChanges;
}

/** Everything between `attestation init` and `push`/`reset`. Serialized as JSON to the state file. */
export interface CraftingState {
  version: typeof STATE_VERSION;
  attestationId: string;
  dryRun: boolean;
  initializedAt: string;
  workflow: WorkflowInfo;
  contract: Contract;
  runner: RunnerInfo;
  /** Runner variables plus the contract's envAllowList values. */
  env: Record<string, string>;
  git?: GitHead;
  materials: Record<string, RecordedMaterial>;
  /** Material policy verdicts (optional: states written before policies have none; STATE_VERSION unchanged). */
  policyEvaluations?: PolicyEvaluation[];
  /** Set by init when the contract changed since the last finished run (optional: STATE_VERSION unchanged). */
  contractChanges?: ContractNotice;
}
