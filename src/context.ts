import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { withCurrentOrg, type Config } from "./config.ts";
import type { Clock, Reporter, ServiceDeps } from "./services/deps.ts";
import { StateFile } from "./services/state-file.ts";
import { DiskBlobStore } from "./store/cas/disk-blob-store.ts";
import { openDatabase } from "./store/sqlite/db.ts";
import { SqliteRepo } from "./store/sqlite/sqlite-repo.ts";
import { SqliteReferrerRepo } from "./store/sqlite/referrer-repo.ts";
import { SqliteOrgRepo } from "./store/sqlite/org-repo.ts";
import { SqliteOrgKeyRepo } from "./store/sqlite/org-key-repo.ts";
import { SqliteRunRepo } from "./store/sqlite/run-repo.ts";
import { SqliteWorkflowRepo } from "./store/sqlite/workflow-repo.ts";
import { SqliteStateRepo } from "./store/sqlite/state-repo.ts";
import { SqlitePolicyRepo } from "./store/sqlite/policy-repo.ts";
import { VERSION } from "./version.ts";
import { SqliteCasBackendRepo } from "./store/sqlite/cas-backend-repo.ts";
import { SqliteCasMappingRepo } from "./store/sqlite/cas-mapping-repo.ts";
import { evidenceStore } from "./store/oci/evidence-stores.ts";
import { registryOptionsFor } from "./services/oci-registries.ts";
import { SqliteAuditRepo } from "./store/sqlite/audit-repo.ts";
import { SqliteTlogRepo } from "./store/sqlite/tlog-repo.ts";
import { SqliteWebhookRepo } from "./store/sqlite/webhook-repo.ts";
import { startCheckpointer } from "./store/sqlite/checkpointer.ts";
import { SqliteLeaseRepo } from "./store/sqlite/lease-repo.ts";

export interface AppContext extends ServiceDeps {
  /** Stops the background checkpointer (when started) and closes the store. */
  close(): Promise<void> | void;
}

export interface Overrides {
  clock?: Clock;
  reporter?: Reporter;
  /** `cairn serve`: WAL checkpoints on a worker thread, never inside a request's commit (checkpointer.ts). */
  backgroundCheckpoints?: boolean;
}

export const systemClock: Clock = { now: () => new Date() };

/** The one composition root: builds the store, CAS and state file from config for the CLI and the server alike. */
export function createAppContext(config: Config, overrides: Overrides = {}): AppContext {
  mkdirSync(config.home, { recursive: true, mode: 0o700 });
  const dbPath = join(config.home, "cairn.db");
  const db = openDatabase(dbPath);
  const orgs = new SqliteOrgRepo(db);
  config = withCurrentOrg(config, orgs.currentOrg()); // the `org set` choice lives in the store
  const casBackends = new SqliteCasBackendRepo(db);
  const leases = new SqliteLeaseRepo(db);
  const local = new DiskBlobStore(join(config.home, "cas"), { guard: leases });
  // The registry client is loaded, and its settings (credentials, plain http) resolved, when a registry is first used.
  const blobs = evidenceStore(local, casBackends.list(), async (host) => (await import("./oci/client.ts")).createOciClient(registryOptionsFor({ config, casBackends }, host)), {
    env: config.env,
    stagingDir: join(config.home, "cas", "tmp"),
  });
  const reporter = overrides.reporter ?? { warn: () => {} };
  const checkpointer = overrides.backgroundCheckpoints ? startCheckpointer(db, dbPath, (m) => reporter.warn(m)) : undefined;
  return {
    config,
    orgs,
    orgKeys: new SqliteOrgKeyRepo(db),
    clock: overrides.clock ?? clockFromEnv(config) ?? systemClock,
    repo: new SqliteRepo(db),
    referrers: new SqliteReferrerRepo(db),
    runs: new SqliteRunRepo(db),
    workflows: new SqliteWorkflowRepo(db),
    blobs,
    casBackends,
    casMappings: new SqliteCasMappingRepo(db),
    state: new StateFile(config.statePath),
    leases,
    states: new SqliteStateRepo(db),
    policies: new SqlitePolicyRepo(db),
    audit: new SqliteAuditRepo(db),
    tlog: new SqliteTlogRepo(db),
    webhooks: new SqliteWebhookRepo(db),
    reporter,
    version: VERSION,
    close: checkpointer
      ? async () => {
          await checkpointer.stop();
          db.close();
        }
      : () => db.close(),
  };
}

/**
 * CAIRN_FIXED_TIME (RFC 3339) pins the clock, so golden tests of the compiled binary are reproducible.
 * It only changes recorded timestamps; nothing security-relevant depends on the clock.
 */
export function clockFromEnv(config: Config): Clock | undefined {
  const fixed = config.env.CAIRN_FIXED_TIME;
  if (!fixed) return undefined;
  const d = new Date(fixed);
  return Number.isNaN(d.getTime()) ? undefined : { now: () => new Date(d) };
}
