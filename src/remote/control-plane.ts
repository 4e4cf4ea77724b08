import type { TrustPolicy } from "../trust/policy.ts";
import type { Config } from "../config.ts";
import type { ApplyResult } from "../services/control/apply.ts";
import type { DownloadInput, DownloadResult, UploadResult } from "../services/control/artifacts.ts";
import type { ContractDetail, ContractInput, ContractSummary, ContractUpdateResult } from "../services/control/contracts.ts";
import type { DiscoverInput, DiscoverResult } from "../services/control/discover.ts";
import type { OrgKeyView } from "../services/control/org-keys.ts";
import type { OrgSettings, OrgView } from "../services/control/orgs.ts";
import type { AuditListInput, AuditView } from "../services/control/audit.ts";
import type { RunAttestation, RunDetail, RunListInput, RunRef, RunSummary } from "../services/control/runs.ts";
import type { CreatedToken, TokenCreateInput, TokenView } from "../services/control/tokens.ts";
import type { WorkflowCreateInput, WorkflowDetail, WorkflowUpdateInput, WorkflowView } from "../services/control/workflows.ts";
import type { Reporter } from "../services/deps.ts";
import type { DeliveryView, WebhookAddInput, WebhookView } from "../services/webhooks/registry.ts";
import type { Page } from "../services/pagination.ts";

/**
 * The control-plane operations the CLI needs, one small interface per area. Inputs and results are the service
 * functions' own (minus `deps`), so the local implementation (local-control-plane.ts: the services on the local
 * store) and the HTTP one (http-*.ts: routes of `cairn serve`) are interchangeable and the commands render both the
 * same way. File paths in inputs are read on the machine running the CLI, in both implementations.
 */

export type PageInput = { limit?: number; next?: string };
type WorkflowRef = { name: string; project: string };

export interface WorkflowsPort {
  create(input: WorkflowCreateInput): Promise<WorkflowDetail & { created: boolean }>;
  list(input: PageInput & { project?: string; team?: string }): Promise<Page<WorkflowView>>;
  describe(input: WorkflowRef): Promise<WorkflowDetail>;
  update(input: WorkflowUpdateInput): Promise<WorkflowDetail>;
  delete(input: WorkflowRef): Promise<{ name: string; project: string; deletedAt: string }>;
}

export interface ContractsPort {
  /** `file` is read here; `text` is not used by the CLI. */
  create(input: ContractInput): Promise<ContractSummary>;
  update(input: ContractInput): Promise<ContractUpdateResult>;
  describe(input: { name: string; revision?: number }): Promise<ContractDetail>;
  list(input: PageInput): Promise<Page<ContractSummary>>;
  delete(input: { name: string }): Promise<{ name: string; deletedAt: string }>;
  /** `path`: a file or a directory of *.yaml|*.yml|*.json, read here. */
  apply(input: { path: string; dryRun?: boolean }): Promise<ApplyResult>;
}

export interface RunsPort {
  list(input: RunListInput): Promise<Page<RunSummary>>;
  /** With a trust policy, the attestation's signature is verified here, on the bundle as stored. */
  describe(ref: RunRef, trust?: TrustPolicy): Promise<RunDetail>;
  attestation(ref: RunRef, trust?: TrustPolicy): Promise<RunAttestation>;
  discover(input: DiscoverInput): Promise<DiscoverResult>;
}

export interface ArtifactsPort {
  upload(input: { path: string }): Promise<UploadResult>;
  /** Re-hashed here as it arrives; a mismatch keeps nothing (see DownloadInput). */
  download(input: DownloadInput): Promise<DownloadResult>;
}

export interface OrgsPort {
  create(input: { name: string }): Promise<OrgView>;
  list(input: PageInput): Promise<Page<OrgView>>;
  /** `name` absent: the current organization (remotely: the token's). */
  /** `maxBlobBytes` is the operator's, local only (the command refuses it remotely). */
  update(input: { name?: string; implicitWorkflows?: boolean; maxBlobBytes?: number | null }): Promise<OrgSettings>;
}

export interface AuditPort {
  list(input: AuditListInput): Promise<Page<AuditView>>;
}

export interface TokensPort {
  create(input: TokenCreateInput): Promise<CreatedToken>;
  list(input: PageInput & { status?: string }): Promise<Page<TokenView>>;
  revoke(input: { id: string }): Promise<TokenView & { alreadyRevoked: boolean }>;
}

export interface OrgKeysPort {
  /** `keyFile`: the PEM public key file, read here. */
  add(input: { name: string; keyFile: string }): Promise<OrgKeyView>;
  list(input: PageInput & { status?: string }): Promise<Page<OrgKeyView>>;
  remove(input: { name: string }): Promise<OrgKeyView>;
}

export interface WebhooksPort {
  /** Validated where the deliveries are sent from (remotely: on the server, its DNS and its environment). */
  add(input: WebhookAddInput): Promise<WebhookView>;
  list(): Promise<Page<WebhookView>>;
  remove(input: { name: string }): Promise<WebhookView>;
  deliveries(input: PageInput & { name: string }): Promise<Page<DeliveryView>>;
}

export interface ControlPlane {
  config: Config;
  reporter: Reporter;
  /** The organization the calls act in: the current one locally, the token's remotely. */
  organization(): Promise<string>;
  workflows: WorkflowsPort;
  contracts: ContractsPort;
  runs: RunsPort;
  artifacts: ArtifactsPort;
  orgs: OrgsPort;
  tokens: TokensPort;
  keys: OrgKeysPort;
  audit: AuditPort;
  webhooks: WebhooksPort;
  close(): void;
}
