import type { StorePorts } from "../store-ports.ts";
import type { PgDatabase } from "./database.ts";
import { PgAuditRepo } from "./audit-repo.ts";
import { PgCasBackendRepo } from "./cas-backend-repo.ts";
import { PgCasMappingRepo } from "./cas-mapping-repo.ts";
import { PgControlPlaneRepo } from "./control-plane-repo.ts";
import { PgLeaseRepo } from "./lease-repo.ts";
import { PgOidcIssuerRepo } from "./oidc-issuer-repo.ts";
import { PgOrgKeyRepo } from "./org-key-repo.ts";
import { PgOrgRepo } from "./org-repo.ts";
import { PgPolicyRepo } from "./policy-repo.ts";
import { PgReferrerRepo } from "./referrer-repo.ts";
import { PgRunRepo } from "./run-repo.ts";
import { PgStateRepo } from "./state-repo.ts";
import { PgTlogRepo } from "./tlog-repo.ts";
import { PgTokenFeed } from "./token-feed.ts";
import { PgTrustRecordRepo } from "./trust-record-repo.ts";
import { PgWebhookRepo } from "./webhook-repo.ts";
import { PgWorkflowRepo } from "./workflow-repo.ts";

/** Every port over one PostgreSQL pool (openPgStore: opened and migrated); transactions follow the async context. */
export function pgStore(db: PgDatabase): StorePorts {
  return {
    repo: new PgControlPlaneRepo(db),
    referrers: new PgReferrerRepo(db),
    orgs: new PgOrgRepo(db),
    orgKeys: new PgOrgKeyRepo(db),
    runs: new PgRunRepo(db),
    workflows: new PgWorkflowRepo(db),
    leases: new PgLeaseRepo(db),
    states: new PgStateRepo(db),
    policies: new PgPolicyRepo(db),
    casBackends: new PgCasBackendRepo(db),
    audit: new PgAuditRepo(db),
    casMappings: new PgCasMappingRepo(db),
    tlog: new PgTlogRepo(db),
    trustRecord: new PgTrustRecordRepo(db),
    oidcIssuers: new PgOidcIssuerRepo(db),
    webhooks: new PgWebhookRepo(db),
    tokenFeed: new PgTokenFeed(db),
  };
}
