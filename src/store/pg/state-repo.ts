import type { AttestationStateRepo, StoredStateRow } from "../state-port.ts";
import type { PgDatabase } from "./database.ts";

const SELECT = `SELECT id, org_id AS "orgId", run_id AS "runId", state, version, updated_at AS "updatedAt" FROM attestation_states`;

/** AttestationStateRepo over PostgreSQL (table attestation_states of the baseline). */
export class PgStateRepo implements AttestationStateRepo {
  constructor(private readonly db: PgDatabase) {}

  async insert(row: Omit<StoredStateRow, "version" | "updatedAt">, now: string): Promise<void> {
    await this.db.query("INSERT INTO attestation_states (id, org_id, run_id, state, version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)", [
      row.id,
      row.orgId,
      row.runId,
      row.state,
      now,
    ]);
  }

  async get(orgId: string, id: string): Promise<StoredStateRow | undefined> {
    return (await this.db.query<StoredStateRow>(`${SELECT} WHERE org_id = $1 AND id = $2`, [orgId, id]))[0];
  }

  /**
   * One UPDATE guarded by the version, atomic across replicas: a second swap from the same version waits for the
   * first's row lock, then re-checks `version = $5` against the committed row (READ COMMITTED) and matches nothing.
   */
  async swap(orgId: string, id: string, expected: number, state: string, now: string): Promise<number | undefined> {
    const rows = await this.db.query<{ version: number }>(
      "UPDATE attestation_states SET state = $1, version = version + 1, updated_at = $2 WHERE org_id = $3 AND id = $4 AND version = $5 RETURNING version",
      [state, now, orgId, id, expected],
    );
    return rows[0]?.version;
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    return (await this.db.query("DELETE FROM attestation_states WHERE org_id = $1 AND id = $2 RETURNING id", [orgId, id])).length === 1;
  }

  async deleteClosed(): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      `WITH gone AS (DELETE FROM attestation_states s USING workflow_runs r WHERE r.id = s.run_id AND r.state <> 'initialized' RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
    );
    return rows[0]!.n;
  }
}
