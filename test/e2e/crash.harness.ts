// The crash suite's tools: kill -9 after a seeded random delay, then check what the next user finds.
import { Database } from "bun:sqlite";
import { expect } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { BIN, type Run, type Sandbox } from "./harness.ts";

/** CAIRN_CRASH_SEED=<n> replays a run's kill delays; every file prints the seed it used. */
export function crashSeed(file: string): number {
  const given = Number(process.env.CAIRN_CRASH_SEED);
  const seed = Number.isInteger(given) && given > 0 ? given : Math.floor(Math.random() * 2 ** 31) + 1;
  console.log(`${file}: crash seed ${seed} (CAIRN_CRASH_SEED=${seed} replays it)`);
  return seed;
}

/** mulberry32: a small PRNG whose sequence the seed fixes. */
export function prng(seed: number): (lo: number, hi: number) => number {
  let a = seed >>> 0;
  return (lo, hi) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo));
  };
}

export interface Killed extends Run {
  /** False when the process finished before the kill. */
  killed: boolean;
}

/** Starts cairn, sends SIGKILL after `ms` unless it finished first. */
export async function killAfter(sb: Sandbox, args: string[], ms: number, env: Record<string, string> = {}): Promise<Killed> {
  const p = Bun.spawn([BIN, ...args], { cwd: sb.dir, env: { ...sb.env, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const out = Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  const timer = setTimeout(() => p.kill("SIGKILL"), ms);
  const code = await p.exited;
  clearTimeout(timer);
  const [stdout, stderr] = await out;
  return { code, stdout, stderr, killed: p.signalCode === "SIGKILL" };
}

/** Runs cairn without blocking the event loop (scenarios run side by side); throws unless it exits 0. */
export async function ok(sb: Sandbox, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const p = Bun.spawn([BIN, ...args], { cwd: sb.dir, env: { ...sb.env, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  const code = await p.exited;
  if (code !== 0) throw new Error(`cairn ${args.join(" ")} exited ${code}\n${stderr}\n${stdout}`);
  return { code, stdout, stderr };
}

/** What interrupted writers may leave: cas/tmp entries, and the state file's lock and temp files. */
export function leftovers(home: string, statePath?: string): string[] {
  const tmp = join(home, "cas", "tmp");
  const out = existsSync(tmp) ? readdirSync(tmp).map((n) => `cas/tmp/${n}`) : [];
  if (statePath && existsSync(dirname(statePath))) {
    const base = statePath.slice(dirname(statePath).length + 1);
    for (const n of readdirSync(dirname(statePath))) if (n === `${base}.lock` || (n.startsWith(`.${base}.`) && n.endsWith(".tmp"))) out.push(n);
  }
  return out;
}

/** fsck clean (every blob whole, nothing missing, every attestation's signature verified) and no leftovers reported. */
export async function expectSound(sb: Sandbox, pubKey: string, home = sb.home): Promise<void> {
  const r = await killAfter(sb, ["store", "fsck", "--key", pubKey, "-o", "json"], 60_000, { CAIRN_HOME: home });
  if (r.code !== 0 && r.code !== 1) throw new Error(`store fsck exited ${r.code}${r.killed ? " (killed after 60 s)" : ""}\n${r.stderr}`);
  const report = JSON.parse(r.stdout) as { ok: boolean; counts: { attestations: number; signaturesVerified: number; tmpLeftovers: number }; problems: unknown[] };
  expect(report.problems).toEqual([]);
  expect([report.ok, report.counts.tmpLeftovers, report.counts.signaturesVerified]).toEqual([true, 0, report.counts.attestations]);
}

/** Every attestation a push acknowledged (exit 0, its digest printed) is in the store. */
export function expectStored(home: string, digests: Iterable<string>): void {
  const db = new Database(join(home, "cairn.db"), { readonly: true });
  try {
    const stored = new Set((db.query("SELECT digest FROM attestations").all() as { digest: string }[]).map((r) => r.digest));
    for (const d of digests) expect(stored.has(d)).toBe(true);
  } finally {
    db.close();
  }
}

export const digestOf = (r: Run): string => (JSON.parse(r.stdout) as { digest: string }).digest;
