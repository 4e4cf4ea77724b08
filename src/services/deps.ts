import type { Config } from "../config.ts";
import type { BlobStore, ControlPlaneRepo, ReferrerRepo } from "../store/ports.ts";
import type { RunRepo } from "../store/run-port.ts";
import type { OrgRepo } from "../store/org-port.ts";
import type { OrgKeyRepo } from "../store/org-key-port.ts";
import type { WorkflowRepo } from "../store/workflow-port.ts";
import type { AttestationStateRepo } from "../store/state-port.ts";
import type { PolicyRepo } from "../store/policy-port.ts";
import type { CasBackendRepo } from "../store/cas-backend-port.ts";
import type { AuditRepo } from "../store/audit-port.ts";
import type { CasMappingRepo } from "../store/cas-mapping-port.ts";
import type { TlogRepo } from "../store/tlog-port.ts";
import type { WebhookRepo } from "../store/webhook-port.ts";
import type { StateFile } from "./state-file.ts";
import type { CasLeaseRepo } from "../store/cas-lease-port.ts";
import type { Actor } from "./control/roles.ts";

export interface Clock {
  now(): Date;
}

/** Warnings and progress the services want shown; the CLI prints them, the server collects them. */
export interface Reporter {
  warn(message: string): void;
  progress?(label: string, done: number, total: number): void;
}

/** What every service gets from the composition root (src/context.ts). */
export interface ServiceDeps {
  config: Config;
  clock: Clock;
  repo: ControlPlaneRepo;
  referrers: ReferrerRepo;
  orgs: OrgRepo;
  orgKeys: OrgKeyRepo;
  runs: RunRepo;
  workflows: WorkflowRepo;
  blobs: BlobStore;
  /** The local crafting state file. */
  state: StateFile;
  /** What keeps gc off blobs not yet referenced: in-flight ingests, open runs' materials (migration 015). */
  leases: CasLeaseRepo;
  /** Remote crafting states kept by `cairn serve` (`attestation init --remote-state`). */
  states: AttestationStateRepo;
  /** The policy store (`cairn policy add|list|describe`). */
  policies: PolicyRepo;
  /** Where evidence blobs live besides the local CAS (`cairn cas-backend`); `blobs` already routes through them. */
  casBackends: CasBackendRepo;
  /** The audit trail of `cairn serve` (`cairn audit list`). */
  audit: AuditRepo;
  /** Which organization / project / workflow may read which blob: the one authority for downloads and cited uploads. */
  casMappings: CasMappingRepo;
  /** The transparency log of `cairn serve` (entries, tiles, checkpoints); empty until the first logged signature. */
  tlog: TlogRepo;
  /** Webhooks of `cairn serve` and their delivery outbox (docs/webhooks.md). */
  webhooks: WebhookRepo;
  reporter: Reporter;
  version: string;
  /** Who a `cairn serve` request speaks for; absent for local commands (one person's machine: roles do not apply). */
  actor?: Actor;
}
