// Runs the compiled binary (dist/cairn) in a temporary home, as a user would.
import { Database } from "bun:sqlite";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const BIN = join(ROOT, "dist", "cairn");
export const FIXTURES = join(ROOT, "fixtures");
export const PASSWORD = "e2e-password";

if (!existsSync(BIN)) throw new Error("dist/cairn is missing: run `npm run build` (npm test does it)");

export interface Counts {
  workflows: number;
  contract_revisions: number;
  workflow_runs: number;
  attestations: number;
  succeeded: number;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temp directory with its own CAIRN_HOME, and no CI variables from the machine running the tests. */
export class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), "cairn-e2e-"));
  readonly home = join(this.dir, "home");
  readonly env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: this.dir,
    CAIRN_HOME: this.home,
    CAIRN_SIGNING_PASSWORD: PASSWORD,
  };

  run(args: string[], extraEnv: Record<string, string> = {}, cwd = this.dir): Run {
    const p = Bun.spawnSync([BIN, ...args], { cwd, env: { ...this.env, ...extraEnv }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
  }

  /** Runs and expects exit 0, returning parsed JSON when asked with -o json. */
  ok(args: string[], extraEnv: Record<string, string> = {}): Run {
    const r = this.run(args, extraEnv);
    if (r.code !== 0) throw new Error(`cairn ${args.join(" ")} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
    return r;
  }

  json<T = Record<string, unknown>>(args: string[], extraEnv: Record<string, string> = {}): T {
    return JSON.parse(this.ok([...args, "-o", "json"], extraEnv).stdout) as T;
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  get statePath(): string {
    return join(this.home, "attestation.state.json");
  }

  /** Row counts of the store, to prove failures leave it as it was. */
  counts(): Counts {
    const out: Counts = { workflows: 0, contract_revisions: 0, workflow_runs: 0, attestations: 0, succeeded: 0 };
    const dbPath = join(this.home, "cairn.db");
    if (!existsSync(dbPath)) return out;
    const db = new Database(dbPath, { readonly: true });
    try {
      for (const t of ["workflows", "contract_revisions", "workflow_runs", "attestations"] as const) {
        out[t] = (db.query(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      }
      out.succeeded = (db.query("SELECT count(*) AS n FROM workflow_runs WHERE state = 'succeeded'").get() as { n: number }).n;
      return out;
    } finally {
      db.close();
    }
  }

  runStates(): string[] {
    const db = new Database(join(this.home, "cairn.db"), { readonly: true });
    try {
      return (db.query("SELECT state FROM workflow_runs ORDER BY created_at").all() as { state: string }[]).map((r) => r.state);
    } finally {
      db.close();
    }
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
