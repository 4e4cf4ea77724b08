import { Router } from "./router.ts";
import { attestationRoutes } from "./handlers/attestations.ts";
import { auditRoutes } from "./handlers/audit.ts";
import { blobRoutes } from "./handlers/blobs.ts";
import { contractRoutes } from "./handlers/contracts.ts";
import { craftingRoutes } from "./handlers/crafting.ts";
import { identityTokenRoutes } from "./handlers/identity-token.ts";
import { policyRoutes } from "./handlers/policies.ts";
import { runRoutes } from "./handlers/runs.ts";
import { tokenRoutes } from "./handlers/tokens.ts";
import { workflowRoutes } from "./handlers/workflows.ts";
import { verifyRoutes } from "./handlers/verify.ts";
import { admissionRoutes } from "./handlers/admission.ts";
import { webhookRoutes } from "./handlers/webhooks.ts";

/** Every /api/v1 route (documented in docs/api.md). */
export function apiRouter(): Router {
  return new Router().add(...workflowRoutes, ...contractRoutes, ...runRoutes, ...tokenRoutes, ...blobRoutes, ...attestationRoutes, ...craftingRoutes, ...policyRoutes, ...auditRoutes, ...identityTokenRoutes, ...verifyRoutes, ...admissionRoutes, ...webhookRoutes);
}
