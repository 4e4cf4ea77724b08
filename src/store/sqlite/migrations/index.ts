import type { Database } from "bun:sqlite";
import { init } from "./001-init.ts";
import { controlPlane } from "./002-control-plane.ts";
import { contractSoftDelete } from "./003-contract-soft-delete.ts";
import { workflowRunStats } from "./004-workflow-run-stats.ts";
import { serve } from "./005-serve.ts";
import { runStateIndex } from "./006-run-state-index.ts";
import { attestationStates } from "./007-attestation-states.ts";
import { policies } from "./008-policies.ts";
import { casBackends } from "./009-cas-backends.ts";
import { rolesAudit } from "./010-roles-audit.ts";
import { runPolicyStatus } from "./011-run-policy-status.ts";
import { casMappings } from "./012-cas-mappings.ts";
import { tlog } from "./013-tlog.ts";
import { webhooks } from "./014-webhooks.ts";
import { casLeases } from "./015-cas-leases.ts";
import { s3CasBackends } from "./016-s3-cas-backends.ts";
import { oidcIssuers } from "./017-oidc-issuers.ts";

export interface Migration {
  name: string;
  up(db: Database): void;
}

/** Numbered, statically imported migrations; position + 1 = the schema version it produces. Never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  init,
  controlPlane,
  contractSoftDelete,
  workflowRunStats,
  serve,
  runStateIndex,
  attestationStates,
  policies,
  casBackends,
  rolesAudit,
  runPolicyStatus,
  casMappings,
  tlog,
  webhooks,
  casLeases,
  s3CasBackends,
  oidcIssuers,
];
