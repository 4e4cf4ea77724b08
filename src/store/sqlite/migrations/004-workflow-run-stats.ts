import type { Migration } from "./index.ts";

/**
 * Per-workflow run statistics kept by a trigger: `runs_count` and `last_run_id`. `workflow list` showed them by
 * counting each workflow's runs, which grew with history (≈100 ms a page at 1M runs); now it is a column read.
 * Runs are never deleted, so an insert trigger keeps both exact. Existing stores are backfilled.
 */
export const workflowRunStats: Migration = {
  name: "004-workflow-run-stats",
  up(db) {
    db.exec(`
      ALTER TABLE workflows ADD COLUMN runs_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE workflows ADD COLUMN last_run_id TEXT REFERENCES workflow_runs(id);
      UPDATE workflows SET
        runs_count = (SELECT count(*) FROM workflow_runs r WHERE r.workflow_id = workflows.id),
        last_run_id = (SELECT r.id FROM workflow_runs r WHERE r.workflow_id = workflows.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1);
      -- Of runs created in the same instant, the one inserted last is the last run.
      CREATE TRIGGER workflow_runs_stats AFTER INSERT ON workflow_runs BEGIN
        UPDATE workflows SET
          runs_count = runs_count + 1,
          last_run_id = CASE
            WHEN last_run_id IS NULL OR NEW.created_at >= (SELECT created_at FROM workflow_runs WHERE id = last_run_id) THEN NEW.id
            ELSE last_run_id END
        WHERE id = NEW.workflow_id;
      END;
    `);
  },
};
