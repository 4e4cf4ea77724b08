import type { Database } from "bun:sqlite";
import { asyncPort, SqliteTransactor } from "../async-port.ts";
import type { StorePorts } from "../store-ports.ts";
import type { ControlPlaneRepo, ReferrerRepo } from "../ports.ts";
import type { RunRepo } from "../run-port.ts";
import type { OrgRepo } from "../org-port.ts";
import type { OrgKeyRepo } from "../org-key-port.ts";
import type { WorkflowRepo } from "../workflow-port.ts";
import type { AttestationStateRepo } from "../state-port.ts";
import type { PolicyRepo } from "../policy-port.ts";
import type { CasBackendRepo } from "../cas-backend-port.ts";
import type { AuditRepo } from "../audit-port.ts";
import type { CasMappingRepo } from "../cas-mapping-port.ts";
import type { TlogRepo } from "../tlog-port.ts";
import type { TrustRecordRepo } from "../trust-record-port.ts";
import type { WebhookRepo } from "../webhook-port.ts";
import type { CasLeaseRepo } from "../cas-lease-port.ts";
import type { OidcIssuerRepo } from "../oidc-issuer-port.ts";
import { SqliteRepo } from "./sqlite-repo.ts";
import { SqliteReferrerRepo } from "./referrer-repo.ts";
import { SqliteOrgRepo } from "./org-repo.ts";
import { SqliteOrgKeyRepo } from "./org-key-repo.ts";
import { SqliteRunRepo } from "./run-repo.ts";
import { SqliteWorkflowRepo } from "./workflow-repo.ts";
import { SqliteStateRepo } from "./state-repo.ts";
import { SqlitePolicyRepo } from "./policy-repo.ts";
import { SqliteCasBackendRepo } from "./cas-backend-repo.ts";
import { SqliteCasMappingRepo } from "./cas-mapping-repo.ts";
import { SqliteAuditRepo } from "./audit-repo.ts";
import { SqliteTlogRepo } from "./tlog-repo.ts";
import { SqliteTrustRecordRepo } from "./trust-record-repo.ts";
import { SqliteWebhookRepo } from "./webhook-repo.ts";
import { SqliteLeaseRepo } from "./lease-repo.ts";
import { SqliteOidcIssuerRepo } from "./oidc-issuer-repo.ts";

/**
 * Every port over one bun:sqlite connection. The adapters are synchronous; asyncPort gives each its asynchronous port,
 * and one SqliteTransactor runs the transactions: a transaction's body may await, and nothing from outside it lands
 * in it.
 */
export function sqliteStore(db: Database): StorePorts {
  const tx = new SqliteTransactor(db);
  const repo = asyncPort<Omit<ControlPlaneRepo, "transaction" | "lockName" | "tryLockName" | "alone">>(new SqliteRepo(db), tx);
  const leases = asyncPort<Omit<CasLeaseRepo, "exclusive">>(new SqliteLeaseRepo(db), tx);
  return {
    repo: { ...repo, transaction: (fn) => tx.transaction(fn), lockName: async () => {}, tryLockName: async () => true, alone: async (_name, fn) => ({ ran: true, value: await fn() }) },
    referrers: asyncPort<ReferrerRepo>(new SqliteReferrerRepo(db), tx),
    orgs: asyncPort<OrgRepo>(new SqliteOrgRepo(db), tx, ["referencedBlobs", "attestedRuns"]),
    orgKeys: asyncPort<OrgKeyRepo>(new SqliteOrgKeyRepo(db), tx),
    runs: asyncPort<RunRepo>(new SqliteRunRepo(db), tx),
    workflows: asyncPort<WorkflowRepo>(new SqliteWorkflowRepo(db), tx),
    // gc checks and unlinks inside exclusive(): BEGIN IMMEDIATE takes the write lock, so no lease lands meanwhile.
    leases: { ...leases, exclusive: (fn) => tx.transaction(fn, "immediate") },
    states: asyncPort<AttestationStateRepo>(new SqliteStateRepo(db), tx),
    policies: asyncPort<PolicyRepo>(new SqlitePolicyRepo(db), tx),
    casBackends: asyncPort<CasBackendRepo>(new SqliteCasBackendRepo(db), tx),
    audit: asyncPort<AuditRepo>(new SqliteAuditRepo(db), tx),
    casMappings: asyncPort<CasMappingRepo>(new SqliteCasMappingRepo(db), tx),
    tlog: asyncPort<TlogRepo>(new SqliteTlogRepo(db), tx),
    trustRecord: asyncPort<TrustRecordRepo>(new SqliteTrustRecordRepo(db), tx),
    oidcIssuers: asyncPort<OidcIssuerRepo>(new SqliteOidcIssuerRepo(db), tx),
    webhooks: asyncPort<WebhookRepo>(new SqliteWebhookRepo(db), tx),
  };
}
