// Every port contract suite (store/contracts/*.contract.testutil.ts) against the SQLite adapters: the behaviour is
// defined once and both databases must pass it. The PostgreSQL runs are the store/pg/*-repo.test.ts files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import { openDatabase } from "./db.ts";
import { sqliteStore } from "./store.ts";
import type { StorePorts } from "../store-ports.ts";
import { sqlSeed } from "../contracts/contract-store.testutil.ts";
import type { PgDatabase } from "../pg/database.ts";
import { auditRepoContract } from "../contracts/audit-port.contract.testutil.ts";
import { orgRepoContract } from "../contracts/org-port.contract.testutil.ts";
import { orgKeyRepoContract } from "../contracts/org-key-port.contract.testutil.ts";
import { policyRepoContract } from "../contracts/policy-port.contract.testutil.ts";
import { controlPlaneRepoContract } from "../contracts/control-plane-port.contract.testutil.ts";
import { controlPlaneRunsContract } from "../contracts/control-plane-port-runs.contract.testutil.ts";
import { referrerRepoContract } from "../contracts/referrer-port.contract.testutil.ts";
import { runRepoContract } from "../contracts/run-port.contract.testutil.ts";
import { workflowRepoContract } from "../contracts/workflow-port.contract.testutil.ts";
import { stateContract } from "../contracts/state-port.contract.testutil.ts";
import { leaseContract } from "../contracts/cas-lease-port.contract.testutil.ts";
import { webhookContract } from "../contracts/webhook-port.contract.testutil.ts";
import { tlogContract } from "../contracts/tlog-port.contract.testutil.ts";
import { trustRecordContract } from "../contracts/trust-record-port.contract.testutil.ts";
import { casBackendContract } from "../contracts/cas-backend-port.contract.testutil.ts";
import { casMappingContract } from "../contracts/cas-mapping-port.contract.testutil.ts";
import { oidcIssuerContract } from "../contracts/oidc-issuer-port.contract.testutil.ts";

/** A fresh home's store; replica() opens the same file over another connection (another process); close() removes it. */
function fresh(): { db: Database; ports: StorePorts; replica(): StorePorts; close(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), "cairn-contract-"));
  const path = join(dir, "cairn.db");
  const db = openDatabase(path);
  const others: Database[] = [];
  return {
    db,
    ports: sqliteStore(db),
    replica: () => {
      const other = openDatabase(path);
      other.exec("PRAGMA busy_timeout=50"); // another process, refused at once rather than blocking this one's event loop
      others.push(other);
      return sqliteStore(other);
    },
    close: async () => {
      for (const o of others) o.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}


/** The suites' seed writes plain SQL with $n placeholders; the schema is the same, so it runs on SQLite as ?n. */
function seedOn(db: Database) {
  const sql: Pick<PgDatabase, "query"> = { query: async <T,>(text: string, params: unknown[] = []) => db.query(text.replace(/\$(\d+)/g, "?$1")).all(...(params as string[])) as T[] };
  return sqlSeed(sql);
}

function openPort<P>(pick: (p: StorePorts) => P) {
  return async () => {
    const s = fresh();
    return { port: pick(s.ports), seed: seedOn(s.db), close: s.close };
  };
}

async function openPorts() {
  const s = fresh();
  return { ...s.ports, close: s.close };
}

orgRepoContract("SqliteOrgRepo", openPort((p) => p.orgs));
orgKeyRepoContract("SqliteOrgKeyRepo", openPort((p) => p.orgKeys));
auditRepoContract("SqliteAuditRepo", openPort((p) => p.audit));
policyRepoContract("SqlitePolicyRepo", openPort((p) => p.policies));
controlPlaneRepoContract("SQLite", openPorts);
controlPlaneRunsContract("SQLite", openPorts);
workflowRepoContract("SQLite", openPorts);
runRepoContract("SQLite", openPorts);
referrerRepoContract("SQLite", openPorts);

stateContract("SqliteStateRepo", async () => {
  const s = fresh();
  const seed = seedOn(s.db);
  return { states: s.ports.states, seedRun: () => seed.openRun(), finishRun: (id) => seed.endRun(id, "failed"), replica: async () => s.replica().states, close: s.close };
});
leaseContract("SqliteLeaseRepo", async () => {
  const s = fresh();
  const seed = seedOn(s.db);
  return { leases: s.ports.leases, seedRun: async () => (await seed.openRun()).runId, finishRun: (id) => seed.endRun(id, "succeeded"), replica: async () => s.replica().leases, close: s.close };
});
webhookContract("SqliteWebhookRepo", async () => {
  const s = fresh();
  return { webhooks: s.ports.webhooks, seedOrg: async () => (await seedOn(s.db).openRun()).orgId, close: s.close };
});
tlogContract("SqliteTlogRepo", async () => {
  const s = fresh();
  return { tlog: s.ports.tlog, replica: async () => s.replica().tlog, close: s.close };
});
trustRecordContract("SqliteTrustRecordRepo", async () => {
  const s = fresh();
  return { trustRecord: s.ports.trustRecord, replica: async () => s.replica().trustRecord, close: s.close };
});
casBackendContract("SqliteCasBackendRepo", async () => {
  const s = fresh();
  return { casBackends: s.ports.casBackends, replica: async () => s.replica().casBackends, close: s.close };
});
oidcIssuerContract("SqliteOidcIssuerRepo", async () => {
  const s = fresh();
  return { oidcIssuers: s.ports.oidcIssuers, replica: async () => s.replica().oidcIssuers, close: s.close };
});
casMappingContract("SqliteCasMappingRepo", async () => {
  const s = fresh();
  const seed = seedOn(s.db);
  return {
    maps: s.ports.casMappings,
    seed: () => seed.mappingOrgs(),
    close: s.close,
  };
});
