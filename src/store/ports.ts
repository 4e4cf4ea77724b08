import type { PolicyVerdict } from "../crafter/policy/status.ts";
import type { AttestationGraph } from "../crafter/referrers.ts";

/** Storage ports. Services depend on these; adapters (disk CAS, SQLite; later OCI, HTTP) implement them. */

export interface BlobRef {
  /** "sha256:<hex>" */
  digest: string;
  size: number;
}

export interface IngestOptions {
  /** Called with bytes written so far (for progress bars). */
  onProgress?: (written: number) => void;
  /**
   * The file name, kept where the backend can (an OCI backend's layer title, so `oras pull` writes the file); the
   * content address never depends on it. ingestFile defaults it to the file's base name.
   */
  name?: string;
}

export interface StreamIngestOptions extends IngestOptions {
  /** Refuse (TOO_LARGE) as soon as more than this many bytes arrive; nothing is kept. */
  maxBytes?: number;
}

/**
 * What an API token may see inside its organization (`cairn serve`): a project token only that project's
 * workflows (and their runs, contracts and referrer nodes), a workflow token only that workflow. Absent: all.
 */
export interface Scope {
  projectId?: string;
  workflowId?: string;
}

/** Content-addressed blobs. Writes are atomic: a blob is either absent or complete and correct. */
export interface BlobStore {
  ingestFile(path: string, opts?: IngestOptions): Promise<BlobRef>;
  putBytes(bytes: Uint8Array, opts?: IngestOptions): Promise<BlobRef>;
  /**
   * Local adapters: moves in a file the caller already hashed to `digest` while writing it (an import's staged copy,
   * written on the store's filesystem), without copying it again. The file is consumed. Others leave it out: use
   * ingestFile.
   */
  adoptFile?(path: string, digest: string): Promise<BlobRef>;
  /** Streams a body (e.g. an HTTP upload) in, hashed as it is written; never buffered whole. */
  ingestStream(chunks: AsyncIterable<Uint8Array>, opts?: StreamIngestOptions): Promise<BlobRef>;
  has(digest: string): Promise<boolean>;
  /** Whole blob in memory; throws NOT_FOUND. Verifies the digest. */
  read(digest: string): Promise<Uint8Array>;
  /** Local adapters: the file holding the blob (for messages); remote adapters leave it out. */
  pathFor?(digest: string): string;
  /**
   * Streams a blob without holding it in memory; throws NOT_FOUND. NOT verified: the bytes come from storage
   * that may be damaged (or remote), so the consumer hashes what it reads and decides (artifact download does).
   */
  openRead(digest: string): Promise<BlobStream>;
}

export interface BlobStream {
  /** Size on storage (for progress); the content may still turn out not to match the digest. */
  size: number;
  /**
   * Buffers are reused: a chunk stays valid until the consumer asks for the one after next, so it may write one
   * chunk while the next is read, but must copy anything it keeps longer.
   */
  chunks: AsyncIterable<Uint8Array>;
}

export interface Organization {
  id: string;
  name: string;
}
export interface Project {
  id: string;
  orgId: string;
  name: string;
}
export interface ProjectVersion {
  id: string;
  projectId: string;
  version: string;
  /** True until a push with --release marks the version released. */
  prerelease: boolean;
  releasedAt: string | null;
}
export interface Workflow {
  id: string;
  orgId: string;
  projectId: string;
  project: string;
  name: string;
  team: string | null;
  description: string | null;
  contractId: string;
  contractName: string;
}
export interface ContractRevision {
  contractId: string;
  contractName: string;
  revision: number;
  body: string;
  bodyFormat: "yaml" | "json";
  digest: string;
  createdAt: string;
  /** `token:<name>` or `local`; null for revisions older than roles. */
  createdBy: string | null;
}

/** A workflow to create: who created it, and whether an attestor's `att init` did (implicitly). */
export type NewWorkflow = Omit<Workflow, "id" | "contractName" | "project"> & { createdBy: string; implicit?: boolean };
/** `succeeded` and `blocked` runs have an attestation; `blocked`: it is stored, but a gated policy was violated. */
export type RunState = "initialized" | "succeeded" | "blocked" | "failed" | "cancelled" | "expired";
export interface WorkflowRun {
  id: string;
  orgId: string;
  workflowId: string;
  state: RunState;
  reason: string | null;
  runnerType: string;
  runnerUrl: string | null;
  contractRevisionUsed: number;
  contractRevisionLatest: number;
  projectVersionId: string | null;
  attestationDigest: string | null;
  /** The attestation's policy verdict, stored when it was recorded; null without one (or recorded before migration 011). */
  policyStatus: PolicyVerdict | null;
  /** Who pushed the attestation to `cairn serve` (the token's name); null when pushed locally or unknown. */
  pushedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}
/** What finishing a run with an attestation stores besides its state. */
export interface AttestedRun {
  policyStatus: PolicyVerdict;
  pushedBy: string | null;
}
export interface AttestationRecord {
  digest: string;
  orgId: string;
  runId: string;
  workflowId: string;
  predicateType: string;
  size: number;
  createdAt: string;
}

/** The control-plane tables. Lookups return undefined when absent; services turn that into NOT_FOUND. */
export interface ControlPlaneRepo {
  /** Runs fn in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: waits until no other transaction holds this name, and holds it until this one ends, for a
   * find-or-create or a read that decides a write no unique index guards (PostgreSQL: an advisory lock; SQLite, one
   * writer at a time: nothing to do).
   */
  lockName(...parts: string[]): Promise<void>;
  /** lockName without the wait: false, at once, when another transaction holds the name (SQLite: always true). */
  tryLockName(...parts: string[]): Promise<boolean>;
  /**
   * Runs fn unless another process on this database is running one by this name (a job: `store gc`), holding the name
   * across fn's transactions; a crashed holder lets go with its connection. `since`: when the holder started, if known
   * (PostgreSQL: a session advisory lock; SQLite, where such jobs run on one machine's file: fn always runs).
   */
  alone<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false; since: string | null }>;
  ensureOrg(name: string, now: string): Promise<Organization>;
  findOrg(name: string): Promise<Organization | undefined>;
  ensureProject(orgId: string, name: string, now: string): Promise<Project>;
  ensureProjectVersion(projectId: string, version: string, now: string): Promise<ProjectVersion>;
  findProjectVersion(orgId: string, project: string, version: string): Promise<ProjectVersion | undefined>;
  /** Marks the version released (prerelease = false) unless it already is. */
  releaseProjectVersion(id: string, now: string): Promise<void>;
  findWorkflow(orgId: string, project: string, name: string): Promise<Workflow | undefined>;
  createWorkflow(w: NewWorkflow, now: string): Promise<Workflow>;
  findContractByName(orgId: string, name: string): Promise<{ id: string; name: string } | undefined>;
  createContract(orgId: string, name: string, description: string | null, now: string): Promise<{ id: string; name: string }>;
  latestRevision(contractId: string): Promise<ContractRevision | undefined>;
  getRevision(contractId: string, revision: number): Promise<ContractRevision | undefined>;
  addRevision(contractId: string, body: string, bodyFormat: "yaml" | "json", digest: string, now: string, createdBy: string): Promise<ContractRevision>;
  createRun(r: Omit<WorkflowRun, "state" | "reason" | "attestationDigest" | "finishedAt" | "projectVersionId" | "policyStatus" | "pushedBy"> & { projectVersionId?: string | null }): Promise<WorkflowRun>;
  getRun(id: string): Promise<WorkflowRun | undefined>;
  /**
   * getRun inside a transaction that will decide a write from it (a push, a reset): the row stays locked until the
   * transaction ends, so two replicas never both finish one run (PostgreSQL: SELECT … FOR UPDATE; SQLite: its one
   * writer at a time gives the same).
   */
  lockRun(id: string): Promise<WorkflowRun | undefined>;
  /** The workflow's run that finished last with a push or a failure (succeeded, blocked, failed); cancelled and expired runs are skipped. */
  lastFinishedRun(workflowId: string): Promise<WorkflowRun | undefined>;
  /** Only an initialized run is finished. `attested`: the policy status and pusher of the attestation `digest` (absent for runs finished without one). */
  finishRun(id: string, state: RunState, now: string, reason: string | null, digest: string | null, attested?: AttestedRun): Promise<void>;
  insertAttestation(a: AttestationRecord): Promise<void>;
  findAttestation(digest: string): Promise<AttestationRecord | undefined>;
  /**
   * Grows with every attestation stored (its rowid): what the referrer graph says of any digest can change only when
   * it does, since every indexing stores an attestation row. A cache key, not a count.
   */
  attestationGeneration(): Promise<number>;
  /** Grows with every contract revision stored (its rowid): a cache key, as attestationGeneration. */
  revisionGeneration(): Promise<number>;
  /** Every attestation stored for a run (its cairn attestation and what accompanies it, e.g. SLSA provenance), oldest first. */
  runAttestations(runId: string): Promise<AttestationRecord[]>;
}

export interface StoredReferrer {
  id: number;
  digest: string;
  kind: string;
  downloadable: boolean;
  metadata: Record<string, string>;
  createdAt: string;
}

/** The referrer graph: what every stored attestation references, searchable by digest in both directions. */
export interface ReferrerRepo {
  index(orgId: string, graph: AttestationGraph, now: string): Promise<void>;
  /** With a scope: only nodes of the scope's attestations (their own node and what they reference). */
  find(orgId: string, digest: string, scope?: Scope): Promise<StoredReferrer[]>;
  neighbours(nodeId: number, direction: "references" | "referredBy", limit: number, afterId?: number, scope?: Scope): Promise<StoredReferrer[]>;
  /**
   * The attestations referencing `digest` (any kind of node with that digest), oldest first, at most `limit`, each
   * with the predicate type it was indexed with: one query, for `cairn verify`.
   */
  attestationsReferencing(orgId: string, digest: string, limit: number, scope?: Scope): Promise<{ digest: string; predicateType: string }[]>;
}
