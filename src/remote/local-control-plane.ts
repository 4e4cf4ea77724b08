import type { AppContext } from "../context.ts";
import type { ControlPlane } from "./control-plane.ts";

/**
 * The control plane as the services on the local store (an AppContext). Services are loaded on first use, so a
 * command pays only for the one it runs (as the commands' own `await import()` did).
 */
export function localControlPlane(app: AppContext): ControlPlane {
  const workflows = () => import("../services/control/workflows.ts");
  const contracts = () => import("../services/control/contracts.ts");
  const runs = () => import("../services/control/runs.ts");
  const artifacts = () => import("../services/control/artifacts.ts");
  const orgs = () => import("../services/control/orgs.ts");
  const tokens = () => import("../services/control/tokens.ts");
  const keys = () => import("../services/control/org-keys.ts");
  const webhooks = () => import("../services/webhooks/registry.ts");
  return {
    config: app.config,
    reporter: app.reporter,
    organization: async () => app.config.organization,
    workflows: {
      create: async (i) => (await workflows()).createWorkflow(app, i),
      list: async (i) => (await workflows()).listWorkflows(app, i),
      describe: async (i) => (await workflows()).describeWorkflow(app, i),
      update: async (i) => (await workflows()).updateWorkflow(app, i),
      delete: async (i) => (await workflows()).deleteWorkflow(app, i),
    },
    contracts: {
      create: async (i) => (await contracts()).createContract(app, i),
      update: async (i) => (await contracts()).updateContract(app, i),
      describe: async (i) => (await contracts()).describeContract(app, i),
      list: async (i) => (await contracts()).listContracts(app, i),
      delete: async (i) => (await contracts()).deleteContract(app, i),
      apply: async (i) => (await import("../services/control/apply.ts")).apply(app, i),
    },
    runs: {
      list: async (i) => (await runs()).listRuns(app, i),
      describe: async (ref, k) => (await runs()).describeRun(app, ref, k),
      attestation: async (ref, k) => (await runs()).runAttestation(app, ref, k),
      discover: async (i) => (await import("../services/control/discover.ts")).discover(app, i),
    },
    artifacts: {
      upload: async (i) => (await artifacts()).uploadArtifact(app, i),
      download: async (i) => (await artifacts()).downloadArtifact(app, i),
    },
    orgs: {
      create: async (i) => (await orgs()).createOrg(app, i),
      list: async (i) => (await orgs()).listOrgs(app, i),
      update: async (i) => (await orgs()).updateOrgSettings(app, i),
    },
    tokens: {
      create: async (i) => (await tokens()).createToken(app, i),
      list: async (i) => (await tokens()).listTokens(app, i),
      revoke: async (i) => (await tokens()).revokeToken(app, i),
    },
    keys: {
      add: async ({ name, keyFile }) => {
        const { addOrgKey, readKeyFile } = await keys();
        return addOrgKey(app, { name, pem: readKeyFile(app, keyFile), source: `--key ${keyFile}` });
      },
      list: async (i) => (await keys()).listOrgKeys(app, i),
      remove: async (i) => (await keys()).removeOrgKey(app, i),
    },
    audit: { list: async (i) => (await import("../services/control/audit.ts")).listAudit(app, i) },
    webhooks: {
      add: async (i) => (await webhooks()).addWebhook(app, i),
      list: async () => (await webhooks()).listWebhooks(app),
      remove: async (i) => (await webhooks()).removeWebhook(app, i),
      deliveries: async (i) => (await webhooks()).listDeliveries(app, i),
    },
    close: () => app.close(),
  };
}
