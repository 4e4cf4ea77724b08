// Every port contract suite (store/pg/*.contract.testutil.ts) against the SQLite adapters: the behaviour is defined
// once and both databases must pass it. The PostgreSQL runs are the store/pg/*.test.ts files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import { openDatabase } from "./db.ts";
import { sqliteStore } from "./store.ts";
import type { StorePorts } from "../store-ports.ts";
import { pgSeed } from "../pg/contract-store.testutil.ts";
import type { PgDatabase } from "../pg/database.ts";
import { auditRepoContract } from "../pg/audit.contract.testutil.ts";
import { orgRepoContract } from "../pg/org.contract.testutil.ts";
import { orgKeyRepoContract } from "../pg/org-key.contract.testutil.ts";
import { policyRepoContract } from "../pg/policy.contract.testutil.ts";
import { controlPlaneRepoContract } from "../pg/control-plane-repo.contract.testutil.ts";
import { controlPlaneRunsContract } from "../pg/control-plane-runs.contract.testutil.ts";
import { referrerRepoContract } from "../pg/referrer-repo.contract.testutil.ts";
import { runRepoContract } from "../pg/run-repo.contract.testutil.ts";
import { workflowRepoContract } from "../pg/workflow-repo.contract.testutil.ts";
import { stateContract } from "../pg/state.contract.testutil.ts";
import { leaseContract } from "../pg/lease.contract.testutil.ts";
import { webhookContract } from "../pg/webhook.contract.testutil.ts";
import { tlogContract } from "../pg/tlog.contract.testutil.ts";
import { casBackendContract } from "../pg/cas-backend.contract.testutil.ts";
import { casMappingContract } from "../pg/cas-mapping.contract.testutil.ts";

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

const AT = "2025-01-01T00:00:00.000Z";

/** An organization with a project, workflow and an initialized run: plain SQL, as the PostgreSQL runs seed it. */
async function seedRun(db: Database): Promise<{ orgId: string; runId: string }> {
  const id = crypto.randomUUID();
  const seed = seedOn(db);
  await seed.org(id, id);
  await seed.project(id, id, "p");
  await seed.workflow(id, id, id, "build");
  db.query(`INSERT INTO workflow_runs (id, org_id, workflow_id, state, runner_type, contract_revision_used, contract_revision_latest, created_at)
    VALUES (?1, ?1, ?1, 'initialized', 'X', 1, 1, ?2)`).run(id, AT);
  return { orgId: id, runId: id };
}
const finish = (db: Database, state: string) => async (runId: string) => void db.query("UPDATE workflow_runs SET state = ?, finished_at = ? WHERE id = ?").run(state, AT, runId);

/** The suites' seed writes plain SQL with $n placeholders; the schema is the same, so it runs on SQLite as ?n. */
function seedOn(db: Database) {
  const sql: Pick<PgDatabase, "query"> = { query: async <T,>(text: string, params: unknown[] = []) => db.query(text.replace(/\$(\d+)/g, "?$1")).all(...(params as string[])) as T[] };
  return pgSeed(sql as PgDatabase);
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
  return { states: s.ports.states, seedRun: () => seedRun(s.db), finishRun: finish(s.db, "failed"), replica: async () => s.replica().states, close: s.close };
});
leaseContract("SqliteLeaseRepo", async () => {
  const s = fresh();
  return { leases: s.ports.leases, seedRun: async () => (await seedRun(s.db)).runId, finishRun: finish(s.db, "succeeded"), replica: async () => s.replica().leases, close: s.close };
});
webhookContract("SqliteWebhookRepo", async () => {
  const s = fresh();
  return { webhooks: s.ports.webhooks, seedOrg: async () => (await seedRun(s.db)).orgId, close: s.close };
});
tlogContract("SqliteTlogRepo", async () => {
  const s = fresh();
  return { tlog: s.ports.tlog, replica: async () => s.replica().tlog, close: s.close };
});
casBackendContract("SqliteCasBackendRepo", async () => {
  const s = fresh();
  return { casBackends: s.ports.casBackends, replica: async () => s.replica().casBackends, close: s.close };
});
casMappingContract("SqliteCasMappingRepo", async () => {
  const s = fresh();
  const seed = seedOn(s.db);
  return {
    maps: s.ports.casMappings,
    seed: async () => {
      await seed.org("acme", "acme");
      await seed.org("other", "other");
      await seed.project("acme", "p1", "p1");
      await seed.project("acme", "p2", "p2");
      await seed.workflow("acme", "p1", "build", "build");
      await seed.workflow("acme", "p1", "test", "test");
      await seed.workflow("acme", "p2", "deploy", "deploy");
      return { acme: "acme", other: "other", p1: "p1", p2: "p2", build: "build", test: "test", deploy: "deploy" };
    },
    close: s.close,
  };
});
