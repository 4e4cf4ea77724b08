import type { Database } from "bun:sqlite";
import { CairnError } from "../../errors.ts";
import type { CraftingState } from "../../crafter/state/types.ts";
import type { AttestationStateRepo, StoredStateRow, VersionedState, VersionedStateStore } from "../state-port.ts";
import type { Sync } from "../async-port.ts";
import { decodeState, optimisticUpdate, type RetryPolicy } from "../versioned-state.ts";

const SELECT = "SELECT id, org_id AS orgId, run_id AS runId, state, version, updated_at AS updatedAt FROM attestation_states";

/** AttestationStateRepo over bun:sqlite (table attestation_states, migration 007). */
export class SqliteStateRepo implements Sync<AttestationStateRepo> {
  constructor(private readonly db: Database) {}

  insert(row: Omit<StoredStateRow, "version" | "updatedAt">, now: string): void {
    this.db
      .query("INSERT INTO attestation_states (id, org_id, run_id, state, version, updated_at) VALUES (?, ?, ?, ?, 1, ?)")
      .run(row.id, row.orgId, row.runId, row.state, now);
  }

  get(orgId: string, id: string): StoredStateRow | undefined {
    return (this.db.query(`${SELECT} WHERE org_id = ? AND id = ?`).get(orgId, id) as StoredStateRow | null) ?? undefined;
  }

  /** One UPDATE guarded by the version: SQLite serializes writers, so of two swaps from one version only one wins. */
  swap(orgId: string, id: string, expected: number, state: string, now: string): number | undefined {
    const r = this.db
      .query("UPDATE attestation_states SET state = ?, version = version + 1, updated_at = ? WHERE org_id = ? AND id = ? AND version = ?")
      .run(state, now, orgId, id, expected);
    return r.changes === 1 ? expected + 1 : undefined;
  }

  delete(orgId: string, id: string): boolean {
    return this.db.query("DELETE FROM attestation_states WHERE org_id = ? AND id = ?").run(orgId, id).changes === 1;
  }

  /** The table holds only open attestations, so this walks few rows, each joined by primary key. */
  deleteClosed(): number {
    return this.db
      .query("DELETE FROM attestation_states WHERE run_id IN (SELECT s.run_id FROM attestation_states s JOIN workflow_runs r ON r.id = s.run_id WHERE r.state <> 'initialized')")
      .run().changes;
  }
}

/** One remote attestation's state as a CraftingStateStore, on the server's side of the HTTP adapter. */
export class SqliteStateStore implements VersionedStateStore {
  readonly path: string;

  constructor(
    private readonly repo: AttestationStateRepo,
    private readonly orgId: string,
    private readonly id: string,
    private readonly now: () => string,
    private readonly retry?: RetryPolicy,
  ) {
    this.path = `attestation ${id}`;
  }

  async exists(): Promise<boolean> {
    return (await this.repo.get(this.orgId, this.id)) !== undefined;
  }

  async readVersioned(): Promise<VersionedState> {
    const row = await this.repo.get(this.orgId, this.id);
    if (!row) throw missingRemoteState(this.id);
    return { state: decodeState(row.state, this.path), version: row.version };
  }

  async read(): Promise<CraftingState> {
    return (await this.readVersioned()).state;
  }

  async writeIf(state: CraftingState, version: number): Promise<number | undefined> {
    return this.repo.swap(this.orgId, this.id, version, JSON.stringify(state), this.now());
  }

  /** An overwrite: a swap from whatever version is stored (retried when a writer gets in between). */
  async write(state: CraftingState): Promise<void> {
    await optimisticUpdate(this, async () => ({ state, result: undefined }), this.retry);
  }

  async remove(): Promise<void> {
    await this.repo.delete(this.orgId, this.id);
  }

  update<T>(fn: (s: CraftingState) => Promise<{ state: CraftingState; result: T }>): Promise<T> {
    return optimisticUpdate(this, fn, this.retry);
  }
}

/**
 * The one answer for an attestation without a remote state: never pushed/reset ones, other organizations' and ones
 * outside the token's scope get it alike (nothing tells them apart).
 */
export function missingRemoteState(id: string): CairnError {
  return new CairnError("STATE_MISSING", `attestation ${id} has no crafting state on the control plane`, {
    hint: "start one with `cairn attestation init --remote-state` (a pushed or reset attestation's state is gone)",
  });
}
