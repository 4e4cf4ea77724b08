// Checks that the verify bench's store holds what the generator claims; throws on any difference. Slow (full
// counts over millions of rows), so it runs after generating, not in the test suite.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import type { AppContext } from "../src/context.ts";
import { discover } from "../src/services/control/discover.ts";

export interface Expected {
  target: string;
  total: number;
  targetReferrers: number;
  workflows: number;
  projects: number;
}

const sha256 = (s: string) => `sha256:${new Bun.CryptoHasher("sha256").update(s).digest("hex")}`;

export async function checkVerifyStore(app: AppContext, x: Expected): Promise<void> {
  const rows = x.total - x.targetReferrers;
  const db = new Database(join(app.config.home, "cairn.db"), { readonly: true });
  try {
    const count = (sql: string, ...params: string[]) => (db.query(sql).get(...params) as { n: number }).n;
    const expect = (what: string, got: number, want: number) => {
      if (got !== want) throw new Error(`verify bench store: ${what} is ${got.toLocaleString("en")}, expected ${want.toLocaleString("en")}`);
    };
    expect("attestations", count("SELECT count(*) AS n FROM attestations"), x.total);
    expect("workflow runs", count("SELECT count(*) AS n FROM workflow_runs"), x.total);
    expect("succeeded runs with an attestation", count("SELECT count(*) AS n FROM workflow_runs WHERE state = 'succeeded' AND attestation_digest IS NOT NULL"), x.total);
    expect("runs counted by the workflows' trigger", count("SELECT sum(runs_count) AS n FROM workflows"), x.total);
    const lastRun = `SELECT count(*) AS n FROM workflows w WHERE w.last_run_id IS NOT
      (SELECT r.id FROM workflow_runs r WHERE r.workflow_id = w.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1)`;
    expect("workflows whose last_run_id is not their newest run", count(lastRun), 0);
    expect("workflows", count("SELECT count(*) AS n FROM workflows"), x.workflows);
    expect("projects", count("SELECT count(*) AS n FROM projects"), x.projects);
    expect("ATTESTATION nodes", count("SELECT count(*) AS n FROM referrers WHERE kind = 'ATTESTATION'"), x.total);
    expect("material nodes (one per row, plus the target)", count("SELECT count(*) AS n FROM referrers WHERE kind <> 'ATTESTATION'"), rows + 1);
    expect("referrer edges", count("SELECT count(*) AS n FROM referrer_edges"), x.total);
    expect("CAS mappings (bundle + material per row; per push its bundle, and the target once)", count("SELECT count(*) AS n FROM cas_mappings"), 2 * rows + x.targetReferrers + 1);
    const toTarget = `SELECT count(*) AS n FROM referrers t JOIN referrer_edges e ON e.to_id = t.id JOIN referrers a ON a.id = e.from_id
      JOIN workflow_runs r ON r.attestation_digest = a.digest JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
      WHERE t.digest = ? AND a.kind = 'ATTESTATION' AND w.name = 'build' AND p.name = 'app'`;
    expect("attestations of app/build referencing the target", count(toTarget, x.target), x.targetReferrers);
    expect("edges to the target", count("SELECT count(*) AS n FROM referrers t JOIN referrer_edges e ON e.to_id = t.id WHERE t.digest = ?", x.target), x.targetReferrers);
    const spread = db.query("SELECT min(runs_count) AS lo, max(runs_count) AS hi FROM workflows w JOIN projects p ON p.id = w.project_id WHERE p.name <> 'app'").get() as { lo: number; hi: number };
    const per = rows / (x.workflows - 1); // rows go round-robin over the workflows
    if (spread.lo !== Math.floor(per) || spread.hi !== Math.ceil(per)) throw new Error(`verify bench store: row workflows hold ${spread.lo}-${spread.hi} runs each, expected ${per}`);
    // The real pushes' bundles (and the target) are in the CAS: verification reads them.
    const real = db.query("SELECT r.attestation_digest AS d FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id WHERE w.name = 'build' AND w.project_id = (SELECT id FROM projects WHERE name = 'app')").all() as { d: string }[];
    for (const d of [...real.map((r) => r.d), x.target]) if (!(await app.blobs.has(d))) throw new Error(`verify bench store: ${d} is not in the CAS`);
  } finally {
    db.close();
  }
  // Through the services: a row reads like a push (its node, its run), and the target has its 1,000 referrers.
  const row = await discover(app, { digest: sha256(`verify bench material ${Math.floor(rows / 2)}`) });
  if (row.referredBy.length !== 1 || !row.referredBy[0]!.run || row.referredBy[0]!.run.state !== "succeeded") {
    throw new Error(`verify bench store: a row's material does not discover its attestation and run: ${JSON.stringify(row).slice(0, 500)}`);
  }
  const target = await discover(app, { digest: x.target, limit: 1000 });
  if (target.referredBy.length !== x.targetReferrers || target.next !== undefined) throw new Error(`verify bench store: discover finds ${target.referredBy.length} referrers of the target`);
}

/** `dist/cairn discover TARGET -o json`: the compiled binary finds the target's referrers, all of app/build. */
export function checkTargetWithCli(bin: string, home: string, cwd: string, target: string, want: number): void {
  const p = Bun.spawnSync([bin, "discover", target, "--limit", "1000", "-o", "json"], { cwd, env: { PATH: process.env.PATH, HOME: cwd, CAIRN_HOME: home } });
  if (p.exitCode !== 0) throw new Error(`cairn discover ${target} exited ${p.exitCode}: ${p.stderr.toString()}`);
  const r = JSON.parse(p.stdout.toString()) as { referredBy: { run?: { workflow: string; project: string } }[]; next?: string };
  const ofBuild = r.referredBy.filter((n) => n.run?.workflow === "build" && n.run.project === "app").length;
  if (r.referredBy.length !== want || ofBuild !== want || r.next !== undefined) {
    throw new Error(`cairn discover ${target}: ${r.referredBy.length} referrers (${ofBuild} of app/build), expected ${want}`);
  }
}
