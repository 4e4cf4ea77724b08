import type { ControlPlaneRepo, ReferrerRepo } from "./ports.ts";
import type { RunRepo } from "./run-port.ts";
import type { OrgRepo, TokenFeed } from "./org-port.ts";
import type { OrgKeyRepo } from "./org-key-port.ts";
import type { WorkflowRepo } from "./workflow-port.ts";
import type { AttestationStateRepo } from "./state-port.ts";
import type { PolicyRepo } from "./policy-port.ts";
import type { CasBackendRepo } from "./cas-backend-port.ts";
import type { AuditRepo } from "./audit-port.ts";
import type { CasMappingRepo } from "./cas-mapping-port.ts";
import type { TlogRepo } from "./tlog-port.ts";
import type { TrustRecordRepo } from "./trust-record-port.ts";
import type { WebhookRepo } from "./webhook-port.ts";
import type { CasLeaseRepo } from "./cas-lease-port.ts";
import type { OidcIssuerRepo } from "./oidc-issuer-port.ts";

/** Every control-plane port one database adapter provides (SQLite: sqlite/store.ts), all asynchronous. */
export interface StorePorts {
  repo: ControlPlaneRepo;
  referrers: ReferrerRepo;
  orgs: OrgRepo;
  orgKeys: OrgKeyRepo;
  runs: RunRepo;
  workflows: WorkflowRepo;
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
  /** What the `cairn serve` replicas of this database serve keyless signing with (fingerprints; `serve` checks it). */
  trustRecord: TrustRecordRepo;
  /** The external CI issuers whose identity tokens the CA accepts (`cairn ca oidc`), the same for every replica. */
  oidcIssuers: OidcIssuerRepo;
  /** Webhooks of `cairn serve` and their delivery outbox (docs/webhooks.md). */
  webhooks: WebhookRepo;
  /** Token revocations from every process on the database, for a server's token cache (PostgreSQL only). */
  tokenFeed?: TokenFeed;
}
