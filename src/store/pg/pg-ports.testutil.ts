import { describe, setDefaultTimeout, test } from "bun:test";
import { sqlSeed, type ContractStore, type StorePorts } from "../contracts/contract-store.testutil.ts";
import { PgControlPlaneRepo } from "./control-plane-repo.ts";
import type { PgDatabase } from "./database.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";
import { PgReferrerRepo } from "./referrer-repo.ts";
import { PgRunRepo } from "./run-repo.ts";
import { PgWorkflowRepo } from "./workflow-repo.ts";

/** A single-port contract suite's store on a fresh PostgreSQL database (one per open: suites' tests are independent). */
export function pgStore<P>(make: (db: PgDatabase) => P): { open: () => Promise<ContractStore<P> & { db: PgDatabase; close(): Promise<void> }>; skip: string | undefined } {
  const skip = pgMissing();
  const open = async () => {
    const t = (await testDatabase())!;
    return { port: make(t.db), seed: sqlSeed(t.db), db: t.db, close: () => t.drop() };
  };
  return { open, skip };
}

/** The four PostgreSQL adapters on a fresh, migrated database of their own; close() drops it. */
export async function openPgPorts(): Promise<StorePorts & { close(): Promise<void> }> {
  const t = await testDatabase();
  if (!t) throw new Error(`PostgreSQL is missing: ${pgMissing()}`);
  return {
    repo: new PgControlPlaneRepo(t.db),
    workflows: new PgWorkflowRepo(t.db),
    runs: new PgRunRepo(t.db),
    referrers: new PgReferrerRepo(t.db),
    close: t.drop,
  };
}

/** Runs a control-plane contract suite against PostgreSQL, or shows it skipped with the reason when no server can be had. */
export function onPostgres(what: string, suite: (name: string, open: typeof openPgPorts) => void): void {
  setDefaultTimeout(60_000); // the first test may start the throwaway cluster
  const skip = pgMissing();
  if (skip) describe.skip(`PostgreSQL ${what} (skipped: ${skip})`, () => test("needs PostgreSQL", () => {}));
  else suite("PostgreSQL", openPgPorts);
}
