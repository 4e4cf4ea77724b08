// Small benchmark helpers: whole-process timing with peak RSS, medians, a results table with targets.
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
export interface Sample {
  ms: number;
  maxRssMiB: number;
}

const GNU_TIME = "/usr/bin/time";
const rssFile = join(tmpdir(), `cairn-bench-rss-${process.pid}`);

/**
 * Runs cmd (through GNU time when present, baseline and cairn alike) and returns wall time and peak RSS. GNU time
 * forks the command from its own small process: a child forked from this bench would report the bench's RSS as its
 * peak, since Linux keeps the pre-exec high-water mark.
 */
export function runProcess(cmd: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Sample {
  const timed = existsSync(GNU_TIME);
  const argv = timed ? [GNU_TIME, "-f", "%M", "-o", rssFile, ...cmd] : cmd;
  const t0 = performance.now();
  const p = Bun.spawnSync(argv, { cwd: opts.cwd, env: opts.env as Record<string, string>, stdout: "pipe", stderr: "pipe" });
  const ms = performance.now() - t0;
  if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited ${p.exitCode}: ${p.stderr.toString()}${p.stdout.toString()}`);
  const kib = timed ? Number(readFileSync(rssFile, "utf8").trim()) : Number(p.resourceUsage?.maxRSS ?? 0) / 1024;
  return { ms, maxRssMiB: kib / 1024 };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

export interface Row {
  name: string;
  value: string;
  target?: string;
  ok?: boolean;
}

export const rows: Row[] = [];

export function record(name: string, value: string, target?: string, ok?: boolean): void {
  rows.push({ name, value, target, ok });
  console.error(`  ${name}: ${value}${target ? ` (target ${target}: ${ok ? "met" : "MISSED"})` : ""}`);
}

export function printTable(): void {
  const w = Math.max(...rows.map((r) => r.name.length));
  const v = Math.max(...rows.map((r) => r.value.length));
  console.log("\nbenchmark".padEnd(w + 2) + "result".padEnd(v + 2) + "target");
  for (const r of rows) {
    console.log(`${r.name.padEnd(w)}  ${r.value.padEnd(v)}  ${r.target ? `${r.target} ${r.ok ? "ok" : "MISSED"}` : ""}`);
  }
}
