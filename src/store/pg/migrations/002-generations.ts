import type { PgMigration } from "./index.ts";

/**
 * Generation counters for the answers `cairn serve` caches (attestationGeneration, revisionGeneration). `max(seq)`
 * does not do on PostgreSQL: identities are taken at insert, not at commit, so a push that took seq 10 and commits
 * after one that took 11 leaves max(seq) at 11, and an answer cached between the two commits stays "current" while
 * missing the row. Here each insert bumps its table's counter in a constraint trigger deferred to commit, in the
 * inserting transaction: a reader sees the new count exactly when it sees the row, and the counter's row lock is held
 * only from the commit's triggers to the commit.
 */
export const generations: PgMigration = {
  name: "002-generations",
  async up(db) {
    await db.query(`
CREATE TABLE cairn_generations (name TEXT COLLATE "C" PRIMARY KEY, n BIGINT NOT NULL);
INSERT INTO cairn_generations (name, n) VALUES
  ('attestations', (SELECT count(*) FROM attestations)),
  ('contract_revisions', (SELECT count(*) FROM contract_revisions));
CREATE FUNCTION cairn_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cairn_generations SET n = n + 1 WHERE name = TG_TABLE_NAME;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER attestations_generation AFTER INSERT ON attestations
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cairn_bump_generation();
CREATE CONSTRAINT TRIGGER contract_revisions_generation AFTER INSERT ON contract_revisions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cairn_bump_generation();
`);
  },
};
