import { RUN_TABLES } from "./001-baseline-runs.ts";
import { STORE_TABLES } from "./001-baseline-stores.ts";
import type { PgMigration } from "./index.ts";

/**
 * The SQLite schema at version 16 (../../sqlite/migrations/001..016), in PostgreSQL: same tables, columns, CHECKs,
 * unique and partial indexes, triggers. What differs, and why:
 * - Every TEXT column is COLLATE "C": comparisons and ORDER BY are bytewise, as in SQLite, whatever the database's
 *   locale (names, ISO timestamps and cursors sort the same on both stores).
 * - 0/1 flags are BOOLEAN; sizes, tree indexes and ids are BIGINT (database.ts reads int8 as a JS number).
 * - SQLite's implicit rowid is an explicit `seq BIGINT GENERATED ALWAYS AS IDENTITY` where code orders or pages by it
 *   (uploads, contract_revisions' generation, workflow_runs' ties, attestations); INTEGER PRIMARY KEYs that SQLite
 *   assigns (referrers, audit_events, cas_mappings) and webhook_deliveries' AUTOINCREMENT seq are identities too.
 * - Triggers are PL/pgSQL functions; append-only tables also refuse TRUNCATE.
 */
export const baseline: PgMigration = {
  name: "001-baseline",
  async up(db) {
    await db.query((RUN_TABLES + STORE_TABLES).replace(/\bTEXT\b/g, 'TEXT COLLATE "C"'));
    await db.query(TRIGGERS);
  },
};

const TRIGGERS = `
-- Of runs created in the same instant, the one inserted last is the last run (SQLite 004).
CREATE FUNCTION cairn_workflow_runs_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Lock the workflow first (NO KEY: the insert already holds KEY SHARE, FOR UPDATE would deadlock two inserts): a run inserted while an older run's transaction is open then compares against it once
  -- that one committed (without the lock the UPDATE's snapshot misses it and the older run stays the last).
  PERFORM 1 FROM workflows WHERE id = NEW.workflow_id FOR NO KEY UPDATE;
  UPDATE workflows SET
    runs_count = runs_count + 1,
    last_run_id = CASE
      WHEN last_run_id IS NULL OR NEW.created_at >= (SELECT created_at FROM workflow_runs WHERE id = last_run_id) THEN NEW.id
      ELSE last_run_id END
  WHERE id = NEW.workflow_id;
  RETURN NULL;
END $$;
CREATE TRIGGER workflow_runs_stats AFTER INSERT ON workflow_runs FOR EACH ROW EXECUTE FUNCTION cairn_workflow_runs_stats();

-- Refuses the statement with the trigger's argument as the message (append-only tables).
CREATE FUNCTION cairn_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION cairn_refuse('audit events are append-only');
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION cairn_refuse('audit events are append-only');
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events EXECUTE FUNCTION cairn_refuse('audit events are append-only');
CREATE TRIGGER tlog_entries_no_update BEFORE UPDATE ON tlog_entries FOR EACH ROW EXECUTE FUNCTION cairn_refuse('the transparency log is append-only');
CREATE TRIGGER tlog_entries_no_delete BEFORE DELETE ON tlog_entries FOR EACH ROW EXECUTE FUNCTION cairn_refuse('the transparency log is append-only');
CREATE TRIGGER tlog_entries_no_truncate BEFORE TRUNCATE ON tlog_entries EXECUTE FUNCTION cairn_refuse('the transparency log is append-only');
CREATE TRIGGER tlog_checkpoints_no_update BEFORE UPDATE ON tlog_checkpoints FOR EACH ROW EXECUTE FUNCTION cairn_refuse('checkpoints are append-only');
CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints FOR EACH ROW EXECUTE FUNCTION cairn_refuse('checkpoints are append-only');
CREATE TRIGGER tlog_checkpoints_no_truncate BEFORE TRUNCATE ON tlog_checkpoints EXECUTE FUNCTION cairn_refuse('checkpoints are append-only');
CREATE TRIGGER tlog_tiles_no_delete BEFORE DELETE ON tlog_tiles FOR EACH ROW EXECUTE FUNCTION cairn_refuse('tiles are append-only');
CREATE TRIGGER tlog_tiles_no_truncate BEFORE TRUNCATE ON tlog_tiles EXECUTE FUNCTION cairn_refuse('tiles are append-only');

CREATE FUNCTION cairn_tlog_tile_grows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF length(NEW.hashes) < length(OLD.hashes) OR substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) <> OLD.hashes THEN
    RAISE EXCEPTION 'a tile may only grow' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER tlog_tiles_only_grow BEFORE UPDATE ON tlog_tiles FOR EACH ROW EXECUTE FUNCTION cairn_tlog_tile_grows();
`;
