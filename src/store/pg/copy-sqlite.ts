import type { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { CairnError } from "../../errors.ts";
import type { PgDatabase } from "./database.ts";

/** One table as PostgreSQL's schema has it: its columns (types), its identity column, what it references. */
interface TableShape {
  name: string;
  columns: { name: string; type: string; nullable: boolean }[];
  identity?: string;
  references: { column: string; table: string }[];
}

export interface CopyReport {
  /** Rows per table, the same on both sides (checked after the copy). */
  tables: Record<string, number>;
  /** sha256 over what is signed or content-addressed (attestation, revision, referrer and blob digests), both sides. */
  digest: string;
}

const BATCH_PARAMS = 30_000;
/** PostgreSQL's own bookkeeping tables, with no SQLite counterpart: not copied, not compared. */
const PG_ONLY = ["cairn_schema", "cairn_generations"];

/**
 * Copies every row of a SQLite store into an empty, migrated PostgreSQL store of the same schema version, in one
 * transaction: nothing is left half-copied. Column values keep their meaning (0/1 flags become booleans); identity
 * columns take SQLite's rowid, so orderings and cache keys stay as they were. Counts and digests are compared after.
 */
export async function copySqliteToPg(src: Database, pg: PgDatabase): Promise<CopyReport> {
  const shapes = orderForCopy(await pgTables(pg), new Set((src.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name)));
  await pg.transaction(async () => {
    for (const t of shapes) {
      const [{ n }] = (await pg.query<{ n: number }>(`SELECT count(*) AS n FROM ${t.name}`)) as [{ n: number }];
      if (n > 0) throw new CairnError("USAGE", `the target database already holds data (table ${t.name} has ${n} rows)`, { hint: "migrate into a new, empty database" });
    }
    // Triggers (run statistics, append-only guards) would count or refuse rows that arrive with their final values.
    for (const t of shapes) await pg.query(`ALTER TABLE ${t.name} DISABLE TRIGGER USER`);
    const later: { table: TableShape; column: string }[] = [];
    const copied = new Set<string>();
    for (const t of shapes) {
      const deferred = t.references.filter((r) => r.table !== t.name && !copied.has(r.table)).map((r) => r.column);
      await copyTable(src, pg, t, new Set(deferred));
      for (const column of deferred) later.push({ table: t, column });
      copied.add(t.name);
    }
    // Columns of a reference cycle (workflows.last_run_id → workflow_runs) are filled once both sides exist.
    for (const { table, column } of later) await fillColumn(src, pg, table, column);
    for (const t of shapes) {
      if (t.identity) await pg.query(`SELECT setval(pg_get_serial_sequence('${t.name}', '${t.identity}'), coalesce(max(${t.identity}), 0) + 1, false) FROM ${t.name}`);
      await pg.query(`ALTER TABLE ${t.name} ENABLE TRIGGER USER`);
    }
    // The copied rows were inserted with triggers off: the generation counters (migration 002) count them now.
    for (const { name } of await pg.query<{ name: string }>("SELECT name FROM cairn_generations")) {
      await pg.query(`UPDATE cairn_generations SET n = n + (SELECT count(*) FROM ${name}) WHERE name = $1`, [name]);
    }
  });
  const before = { tables: sqliteCounts(src, shapes), digest: contentDigest((sql) => src.query(sql).all() as Record<string, unknown>[]) };
  const after = { tables: await pgCounts(pg, shapes), digest: contentDigest(undefined, await pgContent(pg)) };
  for (const [table, n] of Object.entries(before.tables)) {
    if (after.tables[table] !== n) throw new CairnError("STORE_INVALID", `after the copy, table ${table} has ${after.tables[table]} rows in PostgreSQL and ${n} in SQLite`);
  }
  if (after.digest !== before.digest) throw new CairnError("STORE_INVALID", "after the copy, the stored digests differ between SQLite and PostgreSQL");
  return before;
}

async function pgTables(pg: PgDatabase): Promise<TableShape[]> {
  const cols = await pg.query<{ t: string; c: string; type: string; nullable: string; identity: string }>(
    `SELECT table_name AS t, column_name AS c, data_type AS type, is_nullable AS nullable, is_identity AS identity FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name NOT IN (${PG_ONLY.map((t) => `'${t}'`).join(", ")}) ORDER BY table_name, ordinal_position`,
  );
  const refs = await pg.query<{ t: string; c: string; r: string }>(
    `SELECT tc.table_name AS t, kcu.column_name AS c, ccu.table_name AS r FROM information_schema.table_constraints tc
     JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
     JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
     WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`,
  );
  const byName = new Map<string, TableShape>();
  for (const c of cols) {
    const t = byName.get(c.t) ?? { name: c.t, columns: [], references: [] };
    t.columns.push({ name: c.c, type: c.type, nullable: c.nullable === "YES" });
    if (c.identity === "YES") t.identity = c.c;
    byName.set(c.t, t);
  }
  for (const r of refs) byName.get(r.t)?.references.push({ column: r.c, table: r.r });
  return [...byName.values()];
}

/** Referenced tables first; a cycle is broken at a nullable reference (filled after the copy). */
function orderForCopy(tables: TableShape[], inSqlite: Set<string>): TableShape[] {
  const missing = tables.filter((t) => !inSqlite.has(t.name));
  if (missing.length > 0) throw new CairnError("STORE_INVALID", `the SQLite store has no table ${missing[0]!.name}`, { hint: "open the home with this cairn first, so its schema is current" });
  const out: TableShape[] = [];
  const done = new Set<string>();
  const ready = (t: TableShape, loose: boolean) =>
    t.references.every((r) => r.table === t.name || done.has(r.table) || (loose && t.columns.find((c) => c.name === r.column)?.nullable));
  while (out.length < tables.length) {
    const next = tables.find((t) => !done.has(t.name) && ready(t, false)) ?? tables.find((t) => !done.has(t.name) && ready(t, true));
    if (!next) throw new CairnError("STORE_INVALID", "the schema's references form a cycle without a nullable column");
    out.push(next);
    done.add(next.name);
  }
  return out;
}

async function copyTable(src: Database, pg: PgDatabase, t: TableShape, deferred: Set<string>): Promise<void> {
  const info = src.query(`SELECT name, pk FROM pragma_table_info('${t.name}')`).all() as { name: string; pk: number }[];
  const srcCols = new Set(info.map((r) => r.name));
  // A WITHOUT ROWID table has no rowid to keep: its rows go in primary-key order.
  const rowid = !(src.query("SELECT wr FROM pragma_table_list WHERE name = ?").get(t.name) as { wr: number } | null)?.wr;
  const order = rowid ? "rowid" : info.filter((r) => r.pk > 0).sort((x, y) => x.pk - y.pk).map((r) => `"${r.name}"`).join(", ");
  const cols = t.columns.filter((c) => srcCols.has(c.name) || (rowid && c.name === t.identity));
  const select = cols.map((c) => (srcCols.has(c.name) ? `"${c.name}"` : `rowid AS "${c.name}"`)).join(", ");
  const per = Math.max(1, Math.floor(BATCH_PARAMS / cols.length));
  const stmt = src.query(`SELECT ${select} FROM "${t.name}" ORDER BY ${order} LIMIT ? OFFSET ?`);
  const overriding = t.identity && cols.some((c) => c.name === t.identity) ? " OVERRIDING SYSTEM VALUE" : "";
  for (let offset = 0; ; offset += per) {
    const rows = stmt.all(per, offset) as Record<string, unknown>[];
    if (rows.length === 0) return;
    const params: unknown[] = [];
    const tuples = rows.map((row) => `(${cols.map((c) => (params.push(deferred.has(c.name) ? null : value(row[c.name], c.type)), `$${params.length}`)).join(", ")})`);
    await pg.query(`INSERT INTO ${t.name} (${cols.map((c) => `"${c.name}"`).join(", ")})${overriding} VALUES ${tuples.join(", ")}`, params);
    if (rows.length < per) return;
  }
}

async function fillColumn(src: Database, pg: PgDatabase, t: TableShape, column: string): Promise<void> {
  const key = t.columns[0]!.name; // every table whose reference is deferred has its primary key first (id)
  const rows = src.query(`SELECT "${key}" AS k, "${column}" AS v FROM "${t.name}" WHERE "${column}" IS NOT NULL`).all() as { k: unknown; v: unknown }[];
  for (const r of rows) await pg.query(`UPDATE ${t.name} SET "${column}" = $1 WHERE "${key}" = $2`, [r.v, r.k]);
}

function value(v: unknown, type: string): unknown {
  if (type === "boolean") return v === null ? null : v === 1 || v === true;
  return v;
}

function sqliteCounts(src: Database, shapes: TableShape[]): Record<string, number> {
  return Object.fromEntries(shapes.map((t) => [t.name, (src.query(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n]));
}

async function pgCounts(pg: PgDatabase, shapes: TableShape[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of shapes) out[t.name] = (await pg.query<{ n: number }>(`SELECT count(*) AS n FROM ${t.name}`))[0]!.n;
  return out;
}

const CONTENT = [
  "SELECT digest AS d FROM attestations ORDER BY digest",
  "SELECT contract_id || '#' || revision || '#' || digest AS d FROM contract_revisions ORDER BY contract_id, revision",
  "SELECT digest AS d FROM referrers ORDER BY digest, kind",
  "SELECT digest AS d FROM uploads ORDER BY digest",
];

async function pgContent(pg: PgDatabase): Promise<Record<string, unknown>[][]> {
  const out: Record<string, unknown>[][] = [];
  for (const sql of CONTENT) out.push(await pg.query(sql));
  return out;
}

function contentDigest(read?: (sql: string) => Record<string, unknown>[], rows?: Record<string, unknown>[][]): string {
  const h = createHash("sha256");
  CONTENT.forEach((sql, i) => {
    for (const r of rows ? rows[i]! : read!(sql)) h.update(`${String(r.d)}\n`);
    h.update("--\n");
  });
  return `sha256:${h.digest("hex")}`;
}
