import type { Migration } from "./index.ts";

/**
 * Remote crafting state (`attestation init --remote-state`): the state of an attestation in progress, kept by
 * `cairn serve` so `add/status/push --attestation-id` can run on other machines. `version` is the optimistic lock:
 * every write is a compare-and-swap on it. The row is deleted when the attestation is pushed or reset.
 */
export const attestationStates: Migration = {
  name: "007-attestation-states",
  up(db) {
    db.exec(`
      CREATE TABLE attestation_states (
        id TEXT PRIMARY KEY, -- the attestation id, which is the run id
        org_id TEXT NOT NULL REFERENCES organizations(id),
        run_id TEXT NOT NULL REFERENCES workflow_runs(id),
        state TEXT NOT NULL, -- CraftingState JSON
        version INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
    `);
  },
};
