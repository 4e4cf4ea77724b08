// Migration 012 on a store written at the schema before it: the backfill of cas_mappings from the old tables.
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCasMappingRepo } from "./cas-mapping-repo.ts";
import { migrate, openDatabase, schemaVersion } from "./db.ts";
import { MIGRATIONS } from "./migrations/index.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-db-012-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T = (n: number) => `2026-0${n}-01T00:00:00.000Z`;
const D = (c: string) => `sha256:${c.repeat(64)}`;
const BEFORE = MIGRATIONS.findIndex((m) => m.name === "012-cas-mappings");

/**
 * acme (A): project pa/wa, one attestation citing a material it uploaded (X), one only stored by its local push (L),
 * a STRING (S); plus a standalone upload (U). other (B), later: an attestation citing X and L as uploaded without
 * uploading them (what the old verified push let through) and its own locally stored material (M).
 */
function legacyStore(path: string): void {
  const old = new Database(path, { create: true, strict: true });
  old.exec("PRAGMA foreign_keys=ON");
  migrate(old, path, MIGRATIONS.slice(0, BEFORE));
  const node = (id: number, org: string, digest: string, kind: string, dl: number, meta: string, at: string) =>
    `INSERT INTO referrers (id, org_id, digest, kind, downloadable, metadata, created_at) VALUES (${id}, '${org}', '${digest}', '${kind}', ${dl}, '${meta}', '${at}');`;
  old.exec(`
    INSERT INTO organizations (id, name, created_at) VALUES ('A', 'acme', '${T(1)}'), ('B', 'other', '${T(1)}');
    INSERT INTO projects (id, org_id, name, created_at) VALUES ('pa', 'A', 'pa', '${T(1)}'), ('pb', 'B', 'pb', '${T(1)}');
    INSERT INTO contracts (id, org_id, name, created_at) VALUES ('ca', 'A', 'c', '${T(1)}'), ('cb', 'B', 'c', '${T(1)}');
    INSERT INTO workflows (id, org_id, project_id, name, contract_id, created_at) VALUES ('wa', 'A', 'pa', 'w', 'ca', '${T(1)}'), ('wb', 'B', 'pb', 'w', 'cb', '${T(1)}');
    INSERT INTO workflow_runs (id, org_id, workflow_id, state, runner_type, contract_revision_used, contract_revision_latest, attestation_digest, created_at)
      VALUES ('ra', 'A', 'wa', 'succeeded', 'R', 1, 1, '${D("a")}', '${T(2)}'), ('rb', 'B', 'wb', 'succeeded', 'R', 1, 1, '${D("b")}', '${T(3)}');
    INSERT INTO attestations (digest, org_id, run_id, workflow_id, predicate_type, size, created_at)
      VALUES ('${D("a")}', 'A', 'ra', 'wa', 'p', 1, '${T(2)}'), ('${D("b")}', 'B', 'rb', 'wb', 'p', 1, '${T(3)}');
    INSERT INTO uploads (digest, org_id, name, size, created_at) VALUES ('${D("1")}', 'A', 'up.bin', 1, '${T(1)}'), ('${D("2")}', 'A', 'x.bin', 1, '${T(1)}');
    ${node(1, "A", D("a"), "ATTESTATION", 1, "{}", T(2))}
    ${node(2, "A", D("2"), "ARTIFACT", 1, '{"material":"x","name":"x-material.bin"}', T(2))}
    ${node(3, "A", D("3"), "ARTIFACT", 1, '{"material":"l","name":"app.bin"}', T(2))}
    ${node(4, "A", D("4"), "STRING", 0, '{"material":"s"}', T(2))}
    ${node(5, "B", D("b"), "ATTESTATION", 1, "{}", T(3))}
    ${node(6, "B", D("2"), "ARTIFACT", 1, '{"material":"x","name":"stolen.bin"}', T(3))}
    ${node(7, "B", D("3"), "ARTIFACT", 1, '{"material":"l"}', T(3))}
    ${node(8, "B", D("5"), "ARTIFACT", 1, '{"material":"m","name":"own.bin"}', T(3))}
    INSERT INTO referrer_edges (from_id, to_id) VALUES (1, 2), (1, 3), (1, 4), (5, 6), (5, 7), (5, 8);
  `);
  old.close();
}

test("012 backfills uploads organization-wide and attestations' bundles and stored materials per workflow, not a foreign digest", () => {
  expect(BEFORE).toBeGreaterThan(0);
  const path = join(dir, "legacy.db");
  legacyStore(path);
  const db = openDatabase(path);
  expect(schemaVersion(db)).toBe(MIGRATIONS.length);
  const rows = db.query("SELECT org_id AS o, digest AS d, project_id AS p, workflow_id AS w, source AS s, name AS n FROM cas_mappings ORDER BY o, d, ifnull(w, '')").all();
  expect(rows).toEqual([
    { o: "A", d: D("1"), p: null, w: null, s: "upload", n: "up.bin" },
    { o: "A", d: D("2"), p: null, w: null, s: "upload", n: "x.bin" },
    { o: "A", d: D("2"), p: "pa", w: "wa", s: "attestation", n: "x-material.bin" }, // its own upload: kept
    { o: "A", d: D("3"), p: "pa", w: "wa", s: "attestation", n: "app.bin" }, // stored by its push, nobody had it before
    { o: "A", d: D("a"), p: "pa", w: "wa", s: "attestation", n: null },
    // B: its bundle and its own material; not X (A uploaded it first) nor L (A's node is older): the old leak
    { o: "B", d: D("5"), p: "pb", w: "wb", s: "attestation", n: "own.bin" },
    { o: "B", d: D("b"), p: "pb", w: "wb", s: "attestation", n: null },
  ]);
  const maps = new SqliteCasMappingRepo(db);
  expect(maps.holds("A", D("4"))).toBe(false); // a STRING: recorded by digest only
  expect([maps.holds("B", D("2")), maps.holds("B", D("3"))]).toEqual([false, false]);
  expect([maps.holds("A", D("1"), { projectId: "pa" }), maps.holds("A", D("3"), { projectId: "pa" }), maps.holds("A", D("3"), { workflowId: "wa" })]).toEqual([false, true, true]);
  expect(db.query("PRAGMA foreign_key_check").all()).toEqual([]);
  db.close();
});

test("012 on an empty store at the previous schema: the table and its key exist, nothing to backfill", () => {
  const path = join(dir, "empty.db");
  const old = new Database(path, { create: true, strict: true });
  migrate(old, path, MIGRATIONS.slice(0, BEFORE));
  old.close();
  const db = openDatabase(path);
  expect(db.query("SELECT count(*) AS n FROM cas_mappings").get()).toEqual({ n: 0 });
  expect(db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cas_mappings' AND name NOT LIKE 'sqlite_%'").all()).toEqual([{ name: "cas_mappings_key" }]);
  db.close();
});
