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

/** A fresh home's store; close() removes it. */
function fresh(): { db: Database; ports: StorePorts; close(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), "cairn-contract-"));
  const db = openDatabase(join(dir, "cairn.db"));
  return {
    db,
    ports: sqliteStore(db),
    close: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
