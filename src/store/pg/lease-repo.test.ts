import { setDefaultTimeout, test } from "bun:test";
import { openPgDatabase, type PgDatabase } from "./database.ts";
import { leaseContract } from "./lease.contract.testutil.ts";
import { PgLeaseRepo } from "./lease-repo.ts";
import { pgMissing, testDatabase } from "./pg.testutil.ts";
import { parseDatabaseUrl } from "./url.ts";

setDefaultTimeout(60_000);
const AT = "2025-01-01T00:00:00.000Z";

/** An organization, project, contract and workflow, and an initialized run of it (plain SQL). */
async function seedRun(db: PgDatabase): Promise<string> {
  const id = crypto.randomUUID();
  await db.query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $1, $2)", [id, AT]);
  await db.query("INSERT INTO projects (id, org_id, name, created_at) VALUES ($1, $1, 'p', $2)", [id, AT]);
  await db.query("INSERT INTO contracts (id, org_id, name, created_at) VALUES ($1, $1, 'c', $2)", [id, AT]);
  await db.query("INSERT INTO workflows (id, org_id, project_id, name, contract_id, created_at) VALUES ($1, $1, $1, 'build', $1, $2)", [id, AT]);
  await db.query(
    `INSERT INTO workflow_runs (id, org_id, workflow_id, state, runner_type, contract_revision_used, contract_revision_latest, created_at)
     VALUES ($1, $1, $1, 'initialized', 'X', 1, 1, $2)`,
    [id, AT],
  );
  return id;
}

const skip = pgMissing();
if (skip) test.skip(`CasLeaseRepo contract: PgLeaseRepo (skipped: ${skip})`, () => {});
else
  leaseContract("PgLeaseRepo", async () => {
    const t = (await testDatabase())!;
    const replicas: PgDatabase[] = [];
    return {
      leases: new PgLeaseRepo(t.db),
      seedRun: () => seedRun(t.db),
      finishRun: async (runId) => void (await t.db.query("UPDATE workflow_runs SET state = 'succeeded', finished_at = $2 WHERE id = $1", [runId, AT])),
      replica: async () => new PgLeaseRepo(replicas[replicas.push(openPgDatabase(parseDatabaseUrl(t.url), { max: 4 })) - 1]!),
      close: async () => {
        for (const r of replicas) await r.close();
        await t.drop();
      },
    };
  });
