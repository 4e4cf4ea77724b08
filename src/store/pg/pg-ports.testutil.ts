import { describe, setDefaultTimeout, test } from "bun:test";
import type { StorePorts } from "./control-plane-repo.contract.testutil.ts";
import { PgControlPlaneRepo } from "./control-plane-repo.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";
import { PgReferrerRepo } from "./referrer-repo.ts";
import { PgRunRepo } from "./run-repo.ts";
import { PgWorkflowRepo } from "./workflow-repo.ts";

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

/** Runs a contract suite against PostgreSQL, or shows it skipped with the reason when no server can be had. */
export function onPostgres(what: string, suite: (name: string, open: typeof openPgPorts) => void): void {
  setDefaultTimeout(60_000); // the first test may start the throwaway cluster
  const skip = pgMissing();
  if (skip) describe.skip(`PostgreSQL ${what} (skipped: ${skip})`, () => test("needs PostgreSQL", () => {}));
  else suite("PostgreSQL", openPgPorts);
}
