// Small benchmark helpers: whole-process timing with peak RSS, medians, a results table with targets.
export interface Sample {
  ms: number;
  maxRssMiB: number;
}

export function runProcess(cmd: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Sample {
  const t0 = performance.now();
  const p = Bun.spawnSync(cmd, { cwd: opts.cwd, env: opts.env as Record<string, string>, stdout: "pipe", stderr: "pipe" });
  const ms = performance.now() - t0;
  if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited ${p.exitCode}: ${p.stderr.toString()}${p.stdout.toString()}`);
  // Bun reports maxRSS in bytes.
  return { ms, maxRssMiB: Number(p.resourceUsage?.maxRSS ?? 0) / 1048576 };
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
